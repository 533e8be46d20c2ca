// prometheus.yml: dockerswarm_sd_configs (role tasks) jobs for swarmop itself and for every Service that
// asks to be scraped; see profiles/prometheus.h for the conventions.
#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>

#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/profiles/prometheus.h"
#include "yaml_text.h"

namespace swarmop::reconciler::profiles {
namespace {

// The meta label dockerswarm SD gives a service label (Prometheus' SanitizeLabelName: [^a-zA-Z0-9_] -> _).
std::string ServiceLabelMeta(std::string_view label) {
  std::string out = "__meta_dockerswarm_service_label_";
  for (char c : label) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

std::string Label(const crds::Service& service, const std::string& key) {
  auto it = service.spec.labels.find(key);
  return it == service.spec.labels.end() ? "" : it->second;
}

std::optional<int> ParsePort(const std::string& text) {
  int port = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535)
    return std::nullopt;
  return port;
}

// The relabelling every task job starts with: running tasks, on `network` (a task has one target per
// network it is on, plus one per host-mode port; only the shared network's IP is reachable).
void CommonTaskRelabels(std::ostringstream& out, const std::string& network) {
  out << "      - source_labels: [__meta_dockerswarm_task_desired_state]\n"
      << "        regex: running\n"
      << "        action: keep\n"
      << "      - source_labels: [__meta_dockerswarm_network_name]\n"
      << "        regex: " << YamlQuote(network) << "\n"
      << "        action: keep\n";
}

void SwarmSd(std::ostringstream& out, const std::string& indent) {
  out << indent << "dockerswarm_sd_configs:\n"
      << indent << "  - host: " << YamlQuote(std::string("unix://") + kDockerSocket) << "\n"
      << indent << "    role: tasks\n"
      << indent << "    refresh_interval: 30s\n";
}

void NodeAndServiceLabels(std::ostringstream& out) {
  out << "      - source_labels: [__meta_dockerswarm_service_name]\n"
      << "        target_label: swarm_service\n"
      << "      - source_labels: [__meta_dockerswarm_node_hostname]\n"
      << "        target_label: node\n";
}

void OperatorJob(std::ostringstream& out) {
  out << "  # swarmop itself (manifests/swarmop-stack.yaml): every replica; followers report swarmop_leader "
         "0.\n"
      << "  - job_name: swarmop\n";
  SwarmSd(out, "    ");
  out << "    relabel_configs:\n";
  CommonTaskRelabels(out, kOperatorNetwork);
  out << "      - source_labels: [" << ServiceLabelMeta(kComponentLabel) << "]\n"
      << "        regex: operator\n"
      << "        action: keep\n"
      << "      - source_labels: [__address__, " << ServiceLabelMeta(kPortLabel) << "]\n"
      << "        regex: '(.+):\\d+;(\\d+)'\n"
      << "        replacement: '$1:$2'\n"
      << "        target_label: __address__\n"
      << "      - source_labels: [" << ServiceLabelMeta(kPathLabel) << "]\n"
      << "        regex: '(.+)'\n"
      << "        target_label: __metrics_path__\n";
  NodeAndServiceLabels(out);
}

void ServiceJob(std::ostringstream& out, const ScrapeTarget& target) {
  out << "  - job_name: " << YamlQuote(target.service) << "\n"
      << "    metrics_path: " << YamlQuote(target.path) << "\n";
  SwarmSd(out, "    ");
  out << "    relabel_configs:\n";
  CommonTaskRelabels(out, kEstateNetworkName);
  out << "      - source_labels: [" << ServiceLabelMeta(labels::kManagedBy) << ", "
      << ServiceLabelMeta(labels::kOwnerKind) << ", " << ServiceLabelMeta(labels::kOwnerName) << "]\n"
      << "        regex: " << YamlQuote(std::string(labels::kManagerName) + ";Service;" + target.service)
      << "\n"
      << "        action: keep\n"
      << "      - source_labels: [__address__]\n"
      << "        regex: '(.+):\\d+'\n"
      << "        replacement: " << YamlQuote("$1:" + std::to_string(target.port)) << "\n"
      << "        target_label: __address__\n"
      << "      - source_labels: [" << ServiceLabelMeta(labels::kSite) << "]\n"
      << "        target_label: site\n"
      << "      - source_labels: [" << ServiceLabelMeta(labels::kOwnerName) << "]\n"
      << "        target_label: service\n";
  NodeAndServiceLabels(out);
}

void AlertingSection(std::ostringstream& out) {
  out << "alerting:\n"
      << "  alertmanagers:\n"
      << "    # Tasks of the estate's alertmanager Services (profile prometheus, io.swarmop.component: "
         "alertmanager).\n"
      << "    - api_version: v2\n";
  SwarmSd(out, "      ");
  out << "      relabel_configs:\n"
      << "        - source_labels: [__meta_dockerswarm_task_desired_state]\n"
      << "          regex: running\n"
      << "          action: keep\n"
      << "        - source_labels: [__meta_dockerswarm_network_name]\n"
      << "          regex: " << YamlQuote(kEstateNetworkName) << "\n"
      << "          action: keep\n"
      << "        - source_labels: [" << ServiceLabelMeta(labels::kManagedBy) << ", "
      << ServiceLabelMeta(kComponentLabel) << "]\n"
      << "          regex: " << YamlQuote(std::string(labels::kManagerName) + ";alertmanager") << "\n"
      << "          action: keep\n"
      << "        - source_labels: [__address__]\n"
      << "          regex: '(.+):\\d+'\n"
      << "          replacement: " << YamlQuote("$1:" + std::to_string(kAlertmanagerPort)) << "\n"
      << "          target_label: __address__\n";
}

}  // namespace

StatusOr<MonitoringComponent> ComponentOf(const crds::Service& service) {
  std::string component = Label(service, kComponentLabel);
  if (component.empty() || component == "prometheus") return MonitoringComponent::kPrometheus;
  if (component == "alertmanager") return MonitoringComponent::kAlertmanager;
  if (component == "grafana") return MonitoringComponent::kGrafana;
  return InvalidArgumentError("labels: " + std::string(kComponentLabel) + " \"" + component +
                              "\" is not prometheus, alertmanager or grafana");
}

ScrapeTargetList ScrapeTargets(const crds::DesiredState& desired) {
  ScrapeTargetList out;
  for (const crds::Service& service : desired.services) {
    if (Label(service, kScrapeLabel) != "true") continue;
    ScrapeTarget target;
    target.service = service.name();
    std::string port = Label(service, kPortLabel);
    if (port.empty() && service.spec.expose) port = std::to_string(service.spec.expose->port);
    if (port.empty()) {
      out.warnings.push_back("Service " + service.name() + " is not scraped: " + kScrapeLabel +
                             " is \"true\" but " + kPortLabel + " is not set (nor expose.port)");
      continue;
    }
    auto parsed = ParsePort(port);
    if (!parsed) {
      out.warnings.push_back("Service " + service.name() + " is not scraped: " + kPortLabel + " \"" + port +
                             "\" is not a port number");
      continue;
    }
    target.port = *parsed;
    std::string path = Label(service, kPathLabel);
    if (!path.empty()) target.path = path;
    for (const auto& [site_name, placement] : service.spec.sites) {
      const crds::Site* site = desired.FindSite(site_name);
      if (site != nullptr && site->spec.engine) target.separate_sites.push_back(site_name);
    }
    out.targets.push_back(std::move(target));
  }
  std::sort(out.targets.begin(), out.targets.end(),
            [](const ScrapeTarget& a, const ScrapeTarget& b) { return a.service < b.service; });
  return out;
}

std::string RenderPrometheusConfig(const crds::DesiredState& desired) {
  const std::vector<ScrapeTarget> targets = ScrapeTargets(desired).targets;
  std::ostringstream out;
  out << "# Rendered by swarmop (profile prometheus) from the estate's Sites and Services: edit those, not "
         "this.\n"
      << "global:\n"
      << "  scrape_interval: 30s\n"
      << "  scrape_timeout: 10s\n"
      << "  evaluation_interval: 30s\n"
      << "rule_files:\n"
      << "  - swarmop-rules.yml\n";
  AlertingSection(out);
  out << "scrape_configs:\n"
      << "  - job_name: prometheus\n"
      << "    static_configs:\n"
      << "      - targets: ['localhost:" << kPrometheusPort << "']\n";
  OperatorJob(out);
  if (!targets.empty()) {
    out << "  # Services labelled " << kScrapeLabel << ": \"true\": their running tasks on "
        << kEstateNetworkName << ".\n";
  }
  for (const ScrapeTarget& target : targets) ServiceJob(out, target);
  return out.str();
}

}  // namespace swarmop::reconciler::profiles
