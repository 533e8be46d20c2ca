// The kong profile's hook: mounts the declarative config on each per-site service of the gateway and sets
// Kong's DB-less environment. See profiles/kong.h.
#include <algorithm>

#include "swarmop/reconciler/profiles/kong.h"

namespace swarmop::reconciler::profiles {
namespace {

constexpr const char* kConfigFile = "kong.yml";

// Sets KEY=value in `env` (replacing the Service's own value: the profile decides these), keeping the
// order by key the core renders.
void SetEnv(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  std::string prefix = key + "=";
  env.erase(
      std::remove_if(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(prefix, 0) == 0; }),
      env.end());
  env.push_back(prefix + value);
  auto key_of = [](const std::string& e) { return e.substr(0, e.find('=')); };
  std::stable_sort(env.begin(), env.end(),
                   [&](const std::string& a, const std::string& b) { return key_of(a) < key_of(b); });
}

bool PublishesInHostMode(const engine::ServiceSpec& spec) {
  if (!spec.endpoint_spec) return false;
  return std::any_of(spec.endpoint_spec->ports.begin(), spec.endpoint_spec->ports.end(),
                     [](const engine::PortConfig& p) { return p.publish_mode == "host"; });
}

void MountConfig(const std::string& config_name, engine::ContainerSpec& container) {
  container.configs.erase(std::remove_if(container.configs.begin(), container.configs.end(),
                                         [](const auto& c) { return c.file.name == kKongConfigPath; }),
                          container.configs.end());
  engine::FileTarget file;
  file.name = kKongConfigPath;
  container.configs.push_back(engine::ConfigReference{"", config_name, file});
}

}  // namespace

Status RenderKongProfile(const ProfileContext& context, RenderedState& out) {
  const crds::Service& gateway = context.service;
  const Owner owner{"Service", gateway.name()};
  for (DesiredService& service : out.services) {
    if (service.owner != owner) continue;
    auto config = RenderKongConfig(context.desired, gateway, service.site);
    if (!config.ok()) return config.status();
    for (const std::string& warning : config->warnings) {
      std::string text = "Service " + gateway.name() + " (kong): " + warning;
      if (std::find(out.warnings.begin(), out.warnings.end(), text) == out.warnings.end())
        out.warnings.push_back(text);
    }
    std::string name = AddContentConfig(owner, kConfigFile, config->yaml, out);
    engine::ContainerSpec& container = service.spec.task_template.container_spec;
    MountConfig(name, container);
    SetEnv(container.env, "KONG_DATABASE", "off");
    SetEnv(container.env, "KONG_DECLARATIVE_CONFIG", kKongConfigPath);
    if (!service.spec.update_config) service.spec.update_config = engine::UpdatePolicy{};
    if (PublishesInHostMode(service.spec)) {
      out.warnings.push_back("Service " + gateway.name() + " (kong) at " + service.site +
                             ": publishes in host mode, so its updates keep their order (start-first "
                             "could not bind the port on the same node)");
    } else {
      service.spec.update_config->order = "start-first";
    }
  }
  return Status::Ok();
}

}  // namespace swarmop::reconciler::profiles
