#include "swarmop/reconciler/sites/site_engine.h"

#include <utility>

namespace swarmop::reconciler {
namespace {

class SiteEngine : public engine::Engine {
 public:
  SiteEngine(SiteEngines& engines, std::string site) : engines_(&engines), site_(std::move(site)) {}

  std::string ApiVersion() const override {
    auto engine = engines_->EngineFor(site_);
    return engine.ok() ? (*engine)->ApiVersion() : engine::kMaxApiVersion;
  }
  Status Ping() override {
    return Call([](engine::Engine& e) { return e.Ping(); });
  }
  StatusOr<engine::SystemInfo> Info() override {
    return Call([](engine::Engine& e) { return e.Info(); });
  }
  StatusOr<engine::VersionInfo> Version() override {
    return Call([](engine::Engine& e) { return e.Version(); });
  }
  StatusOr<std::vector<engine::Service>> ListServices(const engine::ListFilter& f) override {
    return Call([&](engine::Engine& e) { return e.ListServices(f); });
  }
  StatusOr<engine::Service> InspectService(const std::string& id) override {
    return Call([&](engine::Engine& e) { return e.InspectService(id); });
  }
  StatusOr<std::string> CreateService(const engine::ServiceSpec& spec) override {
    return Call([&](engine::Engine& e) { return e.CreateService(spec); });
  }
  Status UpdateService(const std::string& id, uint64_t version, const engine::ServiceSpec& spec) override {
    return Call([&](engine::Engine& e) { return e.UpdateService(id, version, spec); });
  }
  Status RemoveService(const std::string& id) override {
    return Call([&](engine::Engine& e) { return e.RemoveService(id); });
  }
  StatusOr<std::vector<engine::Task>> ListTasks(const engine::TaskFilter& f) override {
    return Call([&](engine::Engine& e) { return e.ListTasks(f); });
  }
  StatusOr<std::vector<engine::Node>> ListNodes(const engine::ListFilter& f) override {
    return Call([&](engine::Engine& e) { return e.ListNodes(f); });
  }
  StatusOr<engine::Node> InspectNode(const std::string& id) override {
    return Call([&](engine::Engine& e) { return e.InspectNode(id); });
  }
  Status UpdateNode(const std::string& id, uint64_t version, const engine::NodeSpec& spec) override {
    return Call([&](engine::Engine& e) { return e.UpdateNode(id, version, spec); });
  }
  StatusOr<std::vector<engine::Config>> ListConfigs(const engine::ListFilter& f) override {
    return Call([&](engine::Engine& e) { return e.ListConfigs(f); });
  }
  StatusOr<engine::Config> InspectConfig(const std::string& id) override {
    return Call([&](engine::Engine& e) { return e.InspectConfig(id); });
  }
  StatusOr<std::string> CreateConfig(const engine::ConfigSpec& spec) override {
    return Call([&](engine::Engine& e) { return e.CreateConfig(spec); });
  }
  Status UpdateConfig(const std::string& id, uint64_t version, const engine::ConfigSpec& spec) override {
    return Call([&](engine::Engine& e) { return e.UpdateConfig(id, version, spec); });
  }
  Status RemoveConfig(const std::string& id) override {
    return Call([&](engine::Engine& e) { return e.RemoveConfig(id); });
  }
  StatusOr<std::vector<engine::Secret>> ListSecrets(const engine::ListFilter& f) override {
    return Call([&](engine::Engine& e) { return e.ListSecrets(f); });
  }
  StatusOr<engine::Secret> InspectSecret(const std::string& id) override {
    return Call([&](engine::Engine& e) { return e.InspectSecret(id); });
  }
  StatusOr<std::string> CreateSecret(const engine::SecretSpec& spec) override {
    return Call([&](engine::Engine& e) { return e.CreateSecret(spec); });
  }
  Status UpdateSecret(const std::string& id, uint64_t version, const engine::SecretSpec& spec) override {
    return Call([&](engine::Engine& e) { return e.UpdateSecret(id, version, spec); });
  }
  Status RemoveSecret(const std::string& id) override {
    return Call([&](engine::Engine& e) { return e.RemoveSecret(id); });
  }
  StatusOr<std::vector<engine::Network>> ListNetworks(const engine::ListFilter& f) override {
    return Call([&](engine::Engine& e) { return e.ListNetworks(f); });
  }
  StatusOr<engine::Network> InspectNetwork(const std::string& id) override {
    return Call([&](engine::Engine& e) { return e.InspectNetwork(id); });
  }
  StatusOr<std::string> CreateNetwork(const engine::NetworkSpec& spec) override {
    return Call([&](engine::Engine& e) { return e.CreateNetwork(spec); });
  }
  Status RemoveNetwork(const std::string& id) override {
    return Call([&](engine::Engine& e) { return e.RemoveNetwork(id); });
  }
  StatusOr<std::unique_ptr<engine::EventStream>> Events(const engine::EventFilter& f) override {
    return Call([&](engine::Engine& e) { return e.Events(f); });
  }

 private:
  // The connection is held for the call only: a reconnect in between is picked up by the next call.
  template <typename F>
  auto Call(F&& call) -> decltype(call(std::declval<engine::Engine&>())) {
    auto engine = engines_->EngineFor(site_);
    if (!engine.ok()) return engine.status();
    return call(**engine);
  }

  SiteEngines* engines_;
  std::string site_;
};

}  // namespace

std::unique_ptr<engine::Engine> MakeSiteEngine(SiteEngines& engines, std::string site) {
  return std::make_unique<SiteEngine>(engines, std::move(site));
}

}  // namespace swarmop::reconciler
