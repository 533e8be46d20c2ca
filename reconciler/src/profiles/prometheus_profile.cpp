// The prometheus profile hook: each per-site Swarm service of a `profile: prometheus` Service gets its
// component's files as content-addressed configs, its command line, and (prometheus) the docker socket, a
// manager constraint and a data volume. What the Service sets itself (a config at the same path, a flag in
// args, a mount at the same target, a command) is left as it is.
#include <algorithm>

#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/profiles/prometheus.h"

namespace swarmop::reconciler::profiles {
namespace {

constexpr const char* kManagerConstraint = "node.role==manager";

struct ComponentCommand {
  std::string binary;
  std::vector<std::string> flags;  // "--flag=value"
  std::string data_dir;
};

ComponentCommand CommandOf(MonitoringComponent component) {
  switch (component) {
    case MonitoringComponent::kPrometheus:
      return {"prometheus",
              {"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
               "--web.listen-address=:" + std::to_string(kPrometheusPort)},
              "/prometheus"};
    case MonitoringComponent::kAlertmanager:
      return {"alertmanager",
              {"--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager",
               "--web.listen-address=:" + std::to_string(kAlertmanagerPort)},
              "/alertmanager"};
    case MonitoringComponent::kGrafana:
      return {"", {}, "/var/lib/grafana"};
  }
  return {};
}

bool HasFlag(const std::vector<std::string>& args, const std::string& flag) {
  std::string name = flag.substr(0, flag.find('='));
  return std::any_of(args.begin(), args.end(),
                     [&](const std::string& arg) { return arg == name || arg.rfind(name + "=", 0) == 0; });
}

void AddConfigs(const crds::Service& service, const std::vector<RenderedFile>& files,
                engine::ContainerSpec& container, RenderedState& out) {
  Owner owner{"Service", service.name()};
  for (const RenderedFile& file : files) {
    bool user_file =
        std::any_of(container.configs.begin(), container.configs.end(),
                    [&](const engine::ConfigReference& c) { return c.file.name == file.target; });
    if (user_file) continue;
    std::string name = AddContentConfig(owner, file.name, file.content, out);  // once per name
    engine::FileTarget target;
    target.name = file.target;
    container.configs.push_back(engine::ConfigReference{"", name, target});
  }
}

void AddMount(engine::ContainerSpec& container, engine::Mount mount) {
  bool taken = std::any_of(container.mounts.begin(), container.mounts.end(),
                           [&](const engine::Mount& m) { return m.target == mount.target; });
  if (!taken) container.mounts.push_back(std::move(mount));
}

// The manager's docker socket on the host: the annotation swarmop.io/docker-socket, else
// /var/run/docker.sock.
std::string HostSocket(const crds::Service& service) {
  auto it = service.metadata.annotations.find(kDockerSocketAnnotation);
  return it == service.metadata.annotations.end() || it->second.empty() ? kDockerSocket : it->second;
}

void Adjust(const crds::Service& spec, MonitoringComponent component, DesiredService& service) {
  engine::TaskTemplate& task = service.spec.task_template;
  engine::ContainerSpec& container = task.container_spec;
  ComponentCommand command = CommandOf(component);
  if (container.command.empty() && !command.binary.empty()) container.command = {command.binary};
  std::vector<std::string> args;
  for (const std::string& flag : command.flags) {
    if (!HasFlag(container.args, flag)) args.push_back(flag);
  }
  args.insert(args.end(), container.args.begin(), container.args.end());
  container.args = std::move(args);
  engine::Mount data;  // named volume: the time series outlive a rolled task
  data.type = "volume";
  data.source = service.spec.name + "-data";
  data.target = command.data_dir;
  AddMount(container, data);
  if (component != MonitoringComponent::kPrometheus) return;
  // dockerswarm_sd_configs reads the Swarm API: a manager's socket, read-only.
  engine::Mount socket;
  socket.type = "bind";
  socket.source = HostSocket(spec);
  socket.target = kDockerSocket;
  socket.read_only = true;
  AddMount(container, socket);
  auto& constraints = task.placement.constraints;
  if (std::find(constraints.begin(), constraints.end(), kManagerConstraint) == constraints.end() &&
      std::find(constraints.begin(), constraints.end(), "node.role == manager") == constraints.end()) {
    constraints.push_back(kManagerConstraint);
  }
}

void Warn(const ProfileContext& context, MonitoringComponent component, const ScrapeTargetList& scrape,
          RenderedState& out) {
  if (component != MonitoringComponent::kPrometheus) return;
  for (const std::string& warning : scrape.warnings) {
    out.warnings.push_back("Service " + context.service.name() + ": " + warning);
  }
  const auto& networks = context.service.spec.networks;
  if (std::find(networks.begin(), networks.end(), kOperatorNetwork) == networks.end()) {
    out.warnings.push_back("Service " + context.service.name() + ": not on the network " + kOperatorNetwork +
                           " (manifests/swarmop-stack.yaml), so swarmop's own /metrics cannot be scraped; "
                           "add it to spec.networks");
  }
  for (const ScrapeTarget& target : scrape.targets) {
    for (const std::string& site : target.separate_sites) {
      out.warnings.push_back("Service " + context.service.name() + ": " + target.service + " at site " +
                             site +
                             " is not scraped (that site is its own swarm; dockerswarm_sd_configs reads the "
                             "local one)");
    }
  }
}

}  // namespace

std::vector<RenderedFile> ComponentFiles(const crds::DesiredState& desired, MonitoringComponent component) {
  switch (component) {
    case MonitoringComponent::kPrometheus:
      return {{"prometheus.yml", "/etc/prometheus/prometheus.yml", RenderPrometheusConfig(desired)},
              {"swarmop-rules.yml", "/etc/prometheus/swarmop-rules.yml", RenderAlertRules()}};
    case MonitoringComponent::kAlertmanager:
      return std::vector<RenderedFile>{
          {"alertmanager.yml", "/etc/alertmanager/alertmanager.yml", RenderAlertmanagerConfig(desired)}};
    case MonitoringComponent::kGrafana:
      return std::vector<RenderedFile>{
          {"datasource.yml", "/etc/grafana/provisioning/datasources/swarmop.yml",
           RenderGrafanaDatasource(desired)},
          {"dashboards.yml", "/etc/grafana/provisioning/dashboards/swarmop.yml",
           RenderGrafanaDashboardProvider()},
          {"swarmop.json", "/etc/grafana/dashboards/swarmop/swarmop.json", RenderGrafanaDashboard()}};
  }
  return {};
}

// Never fails: what it cannot render (an unknown component, a Service's bad metrics port) is a warning, so
// that one label never stops the whole estate from rendering.
Status RenderPrometheusProfile(const ProfileContext& context, RenderedState& out) {
  auto component = ComponentOf(context.service);
  if (!component.ok()) {
    out.warnings.push_back("Service " + context.service.name() + ": " + component.status().message() +
                           ": the prometheus profile renders nothing for it");
    return Status::Ok();
  }
  const std::vector<RenderedFile> files = ComponentFiles(context.desired, *component);
  for (DesiredService& service : out.services) {
    if (service.owner != Owner{"Service", context.service.name()}) continue;
    AddConfigs(context.service, files, service.spec.task_template.container_spec, out);
    Adjust(context.service, *component, service);
  }
  Warn(context, *component, ScrapeTargets(context.desired), out);
  return Status::Ok();
}

void UsePrometheusProfile(RenderOptions& options) {
  options.profiles[crds::Profile::kPrometheus] = RenderPrometheusProfile;
}

}  // namespace swarmop::reconciler::profiles
