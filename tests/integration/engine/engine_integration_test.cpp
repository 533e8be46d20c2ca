// engine-client against a real engine in swarm mode (see tests/testbed/). Reads SWARMOP_TEST_DOCKER_HOST;
// fails loudly when it is unset or unreachable. Everything created is labelled with this run's id and
// removed afterwards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "bed_env.h"
#include "swarmop/engine/engine.h"

namespace swarmop::engine {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kImage = "local/busybox:1";
constexpr const char* kRunLabel = "io.swarmop.test-run";

std::string RunId() {
  static const std::string id =
      "eng" + std::to_string(::getpid()) + "x" + std::to_string(std::time(nullptr) % 100000);
  return id;
}

class EngineIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = testsupport::TestBedHost();
    ASSERT_TRUE(host.ok()) << host.status().ToString();
    auto endpoint = ParseDockerHost(*host);
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
    endpoint_ = *endpoint;
    auto engine = Connect(endpoint_);
    ASSERT_TRUE(engine.ok()) << "the test engine is unreachable: " << engine.status().ToString();
    engine_ = std::move(engine).value();
  }

  void TearDown() override {
    if (!engine_) return;
    for (const auto& id : services_) (void)engine_->RemoveService(id);
    // Services release configs/secrets/networks asynchronously: retry removal for a while.
    auto deadline = Clock::now() + std::chrono::seconds(20);
    for (auto* ids : {&configs_, &secrets_, &networks_}) {
      for (const auto& id : *ids) {
        for (;;) {
          Status st = ids == &configs_   ? engine_->RemoveConfig(id)
                      : ids == &secrets_ ? engine_->RemoveSecret(id)
                                         : engine_->RemoveNetwork(id);
          if (st.ok() || st.code() == Code::kNotFound || Clock::now() > deadline) {
            EXPECT_TRUE(st.ok() || st.code() == Code::kNotFound) << "cleanup " << id << ": " << st.ToString();
            break;
          }
          std::this_thread::sleep_for(milliseconds(200));
        }
      }
    }
  }

  std::string Name(const std::string& suffix) { return RunId() + "-" + suffix; }

  ServiceSpec SleepService(const std::string& name, uint64_t replicas = 1) {
    ServiceSpec spec;
    spec.name = name;
    spec.labels = {{kRunLabel, RunId()}, {"io.swarmop.managed-by", "swarmop-test"}};
    spec.task_template.container_spec.image = kImage;
    spec.task_template.container_spec.command = {"sleep", "3600"};
    spec.mode.replicas = replicas;
    return spec;
  }

  std::string MustCreate(const ServiceSpec& spec) {
    auto id = engine_->CreateService(spec);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    if (!id.ok()) return "";
    services_.push_back(*id);
    return *id;
  }

  Endpoint endpoint_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::string> services_, configs_, secrets_, networks_;
};

TEST_F(EngineIntegration, PingInfoAndVersionDescribeASwarmManager) {
  ASSERT_TRUE(engine_->Ping().ok());
  auto info = engine_->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->swarm_state, "active");
  EXPECT_TRUE(info->control_available);
  EXPECT_FALSE(info->node_id.empty());
  auto version = engine_->Version();
  ASSERT_TRUE(version.ok());
  EXPECT_LE(CompareApiVersions(engine_->ApiVersion(), version->api_version), 0);
  EXPECT_LE(CompareApiVersions(engine_->ApiVersion(), kMaxApiVersion), 0);
}

TEST_F(EngineIntegration, AServiceIsCreatedInspectedUpdatedAndRemoved) {
  ServiceSpec spec = SleepService(Name("life"));
  spec.task_template.container_spec.env = {"A=1"};
  spec.task_template.placement.constraints = {"node.role==manager"};
  spec.task_template.resources.limits.memory_bytes = 64 << 20;
  std::string id = MustCreate(spec);
  ASSERT_FALSE(id.empty());

  auto service = engine_->InspectService(spec.name);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  EXPECT_EQ(service->id, id);
  EXPECT_EQ(service->spec.task_template.container_spec.image, kImage);
  EXPECT_EQ(service->spec.task_template.container_spec.command, (std::vector<std::string>{"sleep", "3600"}));
  EXPECT_EQ(service->spec.task_template.container_spec.env, std::vector<std::string>{"A=1"});
  EXPECT_EQ(service->spec.task_template.resources.limits.memory_bytes, 64 << 20);
  EXPECT_EQ(service->spec.mode.replicas, 1u);
  EXPECT_FALSE(service->created_at.empty());

  service->spec.mode.replicas = 2;
  service->spec.task_template.container_spec.env.clear();
  Status updated = engine_->UpdateService(id, service->version, service->spec);
  ASSERT_TRUE(updated.ok()) << updated.ToString();
  auto after = engine_->InspectService(id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->spec.mode.replicas, 2u);
  EXPECT_TRUE(after->spec.task_template.container_spec.env.empty()) << "a cleared field came back";
  EXPECT_GT(after->version, service->version);

  ASSERT_TRUE(engine_->RemoveService(id).ok());
  auto gone = engine_->InspectService(id);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().code(), Code::kNotFound) << gone.status().ToString();
}

TEST_F(EngineIntegration, AnUpdateWithAStaleVersionIsOutOfSequence) {
  std::string id = MustCreate(SleepService(Name("stale")));
  ASSERT_FALSE(id.empty());
  auto service = engine_->InspectService(id);
  ASSERT_TRUE(service.ok());
  service->spec.labels["step"] = "1";
  ASSERT_TRUE(engine_->UpdateService(id, service->version, service->spec).ok());
  service->spec.labels["step"] = "2";
  Status stale = engine_->UpdateService(id, service->version, service->spec);
  EXPECT_EQ(stale.code(), Code::kAborted) << stale.ToString();
}

TEST_F(EngineIntegration, AnUpdateKeepsAFieldTheModelDoesNotKnow) {
  ServiceSpec spec = SleepService(Name("unknown"));
  // Hostname and StopGracePeriod are not modelled: they travel in raw_spec only.
  spec.raw_spec =
      R"({"TaskTemplate":{"ContainerSpec":{"Hostname":"kept-host","StopGracePeriod":7000000000}}})";
  std::string id = MustCreate(spec);
  ASSERT_FALSE(id.empty());
  auto service = engine_->InspectService(id);
  ASSERT_TRUE(service.ok());
  ASSERT_NE(service->spec.raw_spec.find("kept-host"), std::string::npos) << service->spec.raw_spec;

  service->spec.mode.replicas = 0;
  service->spec.labels["changed"] = "yes";
  ASSERT_TRUE(engine_->UpdateService(id, service->version, service->spec).ok());
  auto after = engine_->InspectService(id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->spec.labels["changed"], "yes");
  EXPECT_EQ(after->spec.mode.replicas, 0u);
  EXPECT_NE(after->spec.raw_spec.find("\"Hostname\":\"kept-host\""), std::string::npos)
      << after->spec.raw_spec;
  EXPECT_NE(after->spec.raw_spec.find("\"StopGracePeriod\":7000000000"), std::string::npos)
      << after->spec.raw_spec;
}

TEST_F(EngineIntegration, ListByExactNameIgnoresPrefixMatches) {
  ASSERT_FALSE(MustCreate(SleepService(Name("web"), 0)).empty());
  ASSERT_FALSE(MustCreate(SleepService(Name("web2"), 0)).empty());
  auto services = engine_->ListServices(ListFilter::Name(Name("web")));
  ASSERT_TRUE(services.ok()) << services.status().ToString();
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ((*services)[0].spec.name, Name("web"));
  ASSERT_TRUE((*services)[0].service_status.has_value());

  auto both = engine_->ListServices(ListFilter::Labels({{kRunLabel, RunId()}}));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 2u);
}

TEST_F(EngineIntegration, ConfigsAreCreatedListedByLabelAndRelabelled) {
  ConfigSpec labelled{Name("conf-a"), {{kRunLabel, RunId()}, {"kind", "app"}}, "hello\nworld", ""};
  ConfigSpec other{Name("conf-b"), {{kRunLabel, RunId()}}, std::string("\0bin", 4), ""};
  ConfigSpec prefix{Name("conf-a2"), {{kRunLabel, RunId()}, {"kind", "app"}}, "x", ""};
  for (const ConfigSpec* spec : {&labelled, &other, &prefix}) {
    auto id = engine_->CreateConfig(*spec);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    configs_.push_back(*id);
  }
  auto apps = engine_->ListConfigs(ListFilter{{kRunLabel + std::string("=") + RunId(), "kind=app"}, {}});
  ASSERT_TRUE(apps.ok()) << apps.status().ToString();
  EXPECT_EQ(apps->size(), 2u);
  auto exact = engine_->ListConfigs(ListFilter::Name(Name("conf-a")));
  ASSERT_TRUE(exact.ok());
  ASSERT_EQ(exact->size(), 1u);
  EXPECT_EQ((*exact)[0].spec.data, "hello\nworld");

  auto binary = engine_->InspectConfig(Name("conf-b"));
  ASSERT_TRUE(binary.ok());
  EXPECT_EQ(binary->spec.data, std::string("\0bin", 4));

  Config config = (*exact)[0];
  config.spec.labels["kind"] = "old";
  Status relabelled = engine_->UpdateConfig(config.id, config.version, config.spec);
  ASSERT_TRUE(relabelled.ok()) << relabelled.ToString();
  auto after = engine_->InspectConfig(config.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->spec.labels["kind"], "old");
  EXPECT_EQ(after->spec.data, "hello\nworld");
}

TEST_F(EngineIntegration, SecretsKeepTheirDataHidden) {
  auto id = engine_->CreateSecret(SecretSpec{Name("secret"), {{kRunLabel, RunId()}}, "s3cr3t", ""});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  secrets_.push_back(*id);
  auto secret = engine_->InspectSecret(*id);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->spec.name, Name("secret"));
  EXPECT_TRUE(secret->spec.data.empty());
  secret->spec.labels["rotated"] = "no";
  ASSERT_TRUE(engine_->UpdateSecret(*id, secret->version, secret->spec).ok());
  auto listed = engine_->ListSecrets(ListFilter::Labels({{"rotated", "no"}, {kRunLabel, RunId()}}));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  auto clash = engine_->CreateSecret(SecretSpec{Name("secret"), {}, "again", ""});
  EXPECT_EQ(clash.status().code(), Code::kConflict) << clash.status().ToString();
}

TEST_F(EngineIntegration, AServiceUsingAConfigAndANetworkSeesThem) {
  auto config_id = engine_->CreateConfig(ConfigSpec{Name("svc-conf"), {{kRunLabel, RunId()}}, "k=v", ""});
  ASSERT_TRUE(config_id.ok());
  configs_.push_back(*config_id);
  NetworkSpec net{Name("net"), "overlay", true, false, {}, {{kRunLabel, RunId()}}};
  auto network_id = engine_->CreateNetwork(net);
  ASSERT_TRUE(network_id.ok()) << network_id.status().ToString();
  networks_.push_back(*network_id);
  // The engine reports Driver only once the swarm allocator has run (DriverState): wait for it.
  StatusOr<Network> network = NotFoundError("not inspected yet");
  for (auto deadline = Clock::now() + std::chrono::seconds(10); Clock::now() < deadline;) {
    network = engine_->InspectNetwork(Name("net"));
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    if (!network->driver.empty()) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(network->driver, "overlay");
  EXPECT_EQ(network->scope, "swarm");
  EXPECT_TRUE(network->attachable);
  auto networks = engine_->ListNetworks(ListFilter::Name(Name("net")));
  ASSERT_TRUE(networks.ok());
  EXPECT_EQ(networks->size(), 1u);

  ServiceSpec spec = SleepService(Name("uses"), 0);
  spec.task_template.container_spec.configs.push_back(
      {*config_id, Name("svc-conf"), {"/app.conf", "0", "0", 0444}});
  spec.task_template.networks.push_back({*network_id, {"uses-alias"}});
  std::string id = MustCreate(spec);
  ASSERT_FALSE(id.empty());
  auto service = engine_->InspectService(id);
  ASSERT_TRUE(service.ok());
  ASSERT_EQ(service->spec.task_template.container_spec.configs.size(), 1u);
  EXPECT_EQ(service->spec.task_template.container_spec.configs[0].file.name, "/app.conf");
  ASSERT_EQ(service->spec.task_template.networks.size(), 1u);
  EXPECT_EQ(service->spec.task_template.networks[0].aliases, std::vector<std::string>{"uses-alias"});

  Status in_use = engine_->RemoveConfig(*config_id);
  EXPECT_EQ(in_use.code(), Code::kFailedPrecondition) << in_use.ToString();
}

TEST_F(EngineIntegration, AnEventArrivesForAServiceCreateWithinASecond) {
  auto stream = engine_->Events(EventFilter{{"service"}, {}, 0});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  std::string id = MustCreate(SleepService(Name("evt"), 0));
  ASSERT_FALSE(id.empty());
  auto deadline = Clock::now() + milliseconds(1000);
  bool seen = false;
  while (!seen && Clock::now() < deadline) {
    auto next = (*stream)->Next(std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (next->has_value() && (*next)->action == "create" && (*next)->actor.id == id) {
      seen = true;
      EXPECT_EQ((*next)->type, "service");
      EXPECT_EQ((*next)->scope, "swarm");
      EXPECT_EQ((*next)->actor.attributes["name"], Name("evt"));
      EXPECT_GT((*next)->time_nano, 0);
    }
  }
  EXPECT_TRUE(seen) << "no create event for " << id << " within a second";
  (*stream)->Close();
}

TEST_F(EngineIntegration, ARequestToAMissingSocketIsUnavailableAndNamesTheAddress) {
  Endpoint missing;
  missing.socket_path = "/tmp/swarmop-no-such-dir/docker.sock";
  auto engine = Connect(missing);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), Code::kUnavailable);
  EXPECT_NE(engine.status().message().find("unix:///tmp/swarmop-no-such-dir/docker.sock"), std::string::npos)
      << engine.status().message();
}

TEST_F(EngineIntegration, NodeListShowsThisNodeAndItsLabelsCanBeUpdated) {
  auto info = engine_->Info();
  ASSERT_TRUE(info.ok());
  auto nodes = engine_->ListNodes({});
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  auto self =
      std::find_if(nodes->begin(), nodes->end(), [&](const Node& n) { return n.id == info->node_id; });
  ASSERT_NE(self, nodes->end());
  EXPECT_EQ(self->spec.role, "manager");
  EXPECT_EQ(self->state, "ready");
  EXPECT_FALSE(self->hostname.empty());
  ASSERT_TRUE(self->manager_status.has_value());
  EXPECT_TRUE(self->manager_status->leader);

  NodeSpec spec = self->spec;
  spec.labels[kRunLabel] = RunId();
  ASSERT_TRUE(engine_->UpdateNode(self->id, self->version, spec).ok());
  auto labelled = engine_->InspectNode(self->id);
  ASSERT_TRUE(labelled.ok());
  EXPECT_EQ(labelled->spec.labels[kRunLabel], RunId());
  EXPECT_EQ(labelled->spec.availability, "active");
  spec = labelled->spec;
  spec.labels.erase(kRunLabel);
  Status restored = engine_->UpdateNode(labelled->id, labelled->version, spec);
  ASSERT_TRUE(restored.ok()) << restored.ToString();
  auto after = engine_->InspectNode(self->id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->spec.labels.count(kRunLabel), 0u) << "a removed node label came back";
}

TEST_F(EngineIntegration, TaskListShowsTheTasksOfAService) {
  std::string id = MustCreate(SleepService(Name("tasks"), 1));
  ASSERT_FALSE(id.empty());
  std::vector<Task> tasks;
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    auto listed = engine_->ListTasks(TaskFilter{id, "running", std::nullopt, {}});
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    tasks = *listed;
    if (!tasks.empty() && tasks[0].status.state == "running") break;
    std::this_thread::sleep_for(milliseconds(200));
  }
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].service_id, id);
  EXPECT_EQ(tasks[0].slot, 1u);
  EXPECT_EQ(tasks[0].desired_state, "running");
  EXPECT_EQ(tasks[0].status.state, "running") << tasks[0].status.err;
  EXPECT_FALSE(tasks[0].node_id.empty());
  auto by_name = engine_->ListTasks(TaskFilter{Name("tasks"), std::nullopt, std::nullopt, {}});
  ASSERT_TRUE(by_name.ok());
  EXPECT_GE(by_name->size(), 1u);
}

}  // namespace
}  // namespace swarmop::engine
