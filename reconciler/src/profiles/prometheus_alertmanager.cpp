// alertmanager.yml: one route and receiver per Site (alerts carry a `site` label), the rest to
// "operations". Webhook URLs come from the annotation swarmop.io/alert-webhook: on a Site for its receiver,
// on the alertmanager Service for "operations" (and for sites without their own). No URL: the receiver has
// no integration (Alertmanager shows the alerts, sends nothing).
#include <algorithm>
#include <sstream>

#include "swarmop/reconciler/profiles/prometheus.h"
#include "yaml_text.h"

namespace swarmop::reconciler::profiles {
namespace {

constexpr const char* kWebhookAnnotation = "swarmop.io/alert-webhook";

std::string Annotation(const crds::ObjectBase& object, const char* key) {
  auto it = object.metadata.annotations.find(key);
  return it == object.metadata.annotations.end() ? "" : it->second;
}

// The webhook of the estate's first alertmanager Service (by name) that names one.
std::string OperationsWebhook(const crds::DesiredState& desired) {
  std::vector<const crds::Service*> services;
  for (const crds::Service& service : desired.services) {
    auto component = ComponentOf(service);
    if (service.spec.profile == crds::Profile::kPrometheus && component.ok() &&
        *component == MonitoringComponent::kAlertmanager &&
        !Annotation(service, kWebhookAnnotation).empty()) {
      services.push_back(&service);
    }
  }
  if (services.empty()) return "";
  auto first = std::min_element(services.begin(), services.end(),
                                [](const auto* a, const auto* b) { return a->name() < b->name(); });
  return Annotation(**first, kWebhookAnnotation);
}

void Receiver(std::ostringstream& out, const std::string& name, const std::string& webhook) {
  out << "  - name: " << YamlQuote(name) << "\n";
  if (webhook.empty()) return;
  out << "    webhook_configs:\n"
      << "      - url: " << YamlQuote(webhook) << "\n"
      << "        send_resolved: true\n";
}

}  // namespace

std::string RenderAlertmanagerConfig(const crds::DesiredState& desired) {
  std::vector<const crds::Site*> sites;
  for (const crds::Site& site : desired.sites) sites.push_back(&site);
  std::sort(sites.begin(), sites.end(), [](const auto* a, const auto* b) { return a->name() < b->name(); });
  const std::string operations = OperationsWebhook(desired);

  std::ostringstream out;
  out << "# Rendered by swarmop (profile prometheus, alertmanager) from the estate's Sites: edit those, not "
         "this.\n"
      << "route:\n"
      << "  receiver: operations\n"
      << "  group_by: [alertname, site, service]\n"
      << "  group_wait: 30s\n"
      << "  group_interval: 5m\n"
      << "  repeat_interval: 4h\n";
  if (!sites.empty()) out << "  routes:\n";
  for (const crds::Site* site : sites) {
    out << "    - receiver: " << YamlQuote("site-" + site->name()) << "\n"
        << "      matchers:\n"
        << "        - " << YamlQuote("site=\"" + site->name() + "\"") << "\n";
  }
  out << "inhibit_rules:\n"
      << "  # A site that is down explains its services' missing tasks and silent targets.\n"
      << "  - source_matchers: ['alertname=\"SwarmopSiteUnreachable\"']\n"
      << "    target_matchers: "
         "['alertname=~\"SwarmopServiceBelowDesiredReplicas|SwarmopScrapeTargetDown\"']\n"
      << "    equal: [site]\n"
      << "receivers:\n";
  Receiver(out, "operations", operations);
  for (const crds::Site* site : sites) {
    std::string own = Annotation(*site, kWebhookAnnotation);
    Receiver(out, "site-" + site->name(), own.empty() ? operations : own);
  }
  return out.str();
}

}  // namespace swarmop::reconciler::profiles
