// Grafana provisioning (apiVersion 1 datasources and dashboard providers) and the swarmop dashboard: sites,
// services desired vs running, failovers, reconcile rate. Grafana is not packaged here: these files are
// checked for their shape (tests/unit/reconciler/prometheus_profile_test.cpp), never loaded by Grafana.
#include <nlohmann/json.hpp>
#include <sstream>

#include "swarmop/crds/naming.h"
#include "swarmop/reconciler/profiles/prometheus.h"
#include "yaml_text.h"

namespace swarmop::reconciler::profiles {
namespace {

using nlohmann::json;

constexpr const char* kDatasourceUid = "swarmop-prometheus";
constexpr const char* kDashboardDir = "/etc/grafana/dashboards/swarmop";

// http://<service>-<site>:9090 of the estate's first prometheus Service (by name) at its first local site.
std::string PrometheusUrl(const crds::DesiredState& desired) {
  std::string best_service, best_site;
  for (const crds::Service& service : desired.services) {
    auto component = ComponentOf(service);
    if (service.spec.profile != crds::Profile::kPrometheus || !component.ok() ||
        *component != MonitoringComponent::kPrometheus) {
      continue;
    }
    if (!best_service.empty() && best_service <= service.name()) continue;
    for (const auto& [site_name, placement] : service.spec.sites) {  // a std::map: by name
      const crds::Site* site = desired.FindSite(site_name);
      if (site == nullptr || site->spec.engine) continue;
      best_service = service.name();
      best_site = site_name;
      break;
    }
  }
  if (best_service.empty()) return "http://localhost:" + std::to_string(kPrometheusPort);
  return "http://" + crds::SwarmServiceName(best_service, best_site) + ":" + std::to_string(kPrometheusPort);
}

json Target(const std::string& expr, const std::string& legend, const std::string& ref) {
  return {{"datasource", {{"type", "prometheus"}, {"uid", kDatasourceUid}}},
          {"expr", expr},
          {"legendFormat", legend},
          {"refId", ref}};
}

json Panel(int id, const std::string& type, const std::string& title, json grid, json targets) {
  return {{"id", id},
          {"type", type},
          {"title", title},
          {"datasource", {{"type", "prometheus"}, {"uid", kDatasourceUid}}},
          {"gridPos", std::move(grid)},
          {"targets", std::move(targets)}};
}

json Grid(int x, int y, int w, int h) { return {{"x", x}, {"y", y}, {"w", w}, {"h", h}}; }

}  // namespace

std::string RenderGrafanaDatasource(const crds::DesiredState& desired) {
  std::ostringstream out;
  out << "# Rendered by swarmop (profile prometheus, grafana).\n"
      << "apiVersion: 1\n"
      << "datasources:\n"
      << "  - name: swarmop-prometheus\n"
      << "    uid: " << kDatasourceUid << "\n"
      << "    type: prometheus\n"
      << "    access: proxy\n"
      << "    url: " << YamlQuote(PrometheusUrl(desired)) << "\n"
      << "    isDefault: true\n"
      << "    editable: false\n";
  return out.str();
}

std::string RenderGrafanaDashboardProvider() {
  std::ostringstream out;
  out << "# Rendered by swarmop (profile prometheus, grafana).\n"
      << "apiVersion: 1\n"
      << "providers:\n"
      << "  - name: swarmop\n"
      << "    orgId: 1\n"
      << "    folder: swarmop\n"
      << "    type: file\n"
      << "    disableDeletion: true\n"
      << "    allowUiUpdates: false\n"
      << "    options:\n"
      << "      path: " << kDashboardDir << "\n";
  return out.str();
}

std::string RenderGrafanaDashboard() {
  json sites =
      Panel(1, "stat", "Sites ready", Grid(0, 0, 12, 6),
            json::array({Target("max by (site) (swarmop_site_health{state=\"Ready\"})", "{{site}}", "A")}));
  sites["fieldConfig"] = {
      {"defaults",
       {{"mappings", json::array({{{"type", "value"},
                                   {"options",
                                    {{"0", {{"text", "not ready"}, {"color", "red"}}},
                                     {"1", {{"text", "Ready"}, {"color", "green"}}}}}}})}}},
      {"overrides", json::array()}};
  json leader = Panel(2, "stat", "Leading replicas", Grid(12, 0, 6, 6),
                      json::array({Target("sum(swarmop_leader{job=\"swarmop\"})", "leaders", "A")}));
  json failed_over =
      Panel(3, "stat", "Failovers in effect", Grid(18, 0, 6, 6),
            json::array({Target("count(swarmop_site_failed_over == 1) or vector(0)", "in effect", "A")}));
  json tasks =
      Panel(4, "timeseries", "Services: desired vs running tasks", Grid(0, 6, 24, 9),
            json::array({Target("sum by (service) (swarmop_service_desired_tasks{mode=\"replicated\"})",
                                "{{service}} desired", "A"),
                         Target("sum by (service) (swarmop_service_running_tasks{mode=\"replicated\"})",
                                "{{service}} running", "B")}));
  json failovers =
      Panel(5, "timeseries", "Failovers and failbacks", Grid(0, 15, 12, 8),
            json::array(
                {Target("max by (site, partner) (swarmop_site_failed_over)", "{{site}} -> {{partner}}", "A"),
                 Target("sum(increase(swarmop_failovers_total[1h]))", "failovers (1h)", "B"),
                 Target("sum(increase(swarmop_failbacks_total[1h]))", "failbacks (1h)", "C")}));
  json reconciles =
      Panel(6, "timeseries", "Reconcile rate", Grid(12, 15, 12, 8),
            json::array({Target("sum by (result) (rate(swarmop_reconcile_total[5m]))", "{{result}}", "A")}));
  reconciles["fieldConfig"] = {{"defaults", {{"unit", "ops"}}}, {"overrides", json::array()}};

  json dashboard = {{"uid", "swarmop-estate"},
                    {"title", "swarmop estate"},
                    {"tags", json::array({"swarmop"})},
                    {"timezone", "utc"},
                    {"schemaVersion", 39},
                    {"version", 1},
                    {"editable", false},
                    {"refresh", "30s"},
                    {"time", {{"from", "now-6h"}, {"to", "now"}}},
                    {"panels", json::array({sites, leader, failed_over, tasks, failovers, reconciles})}};
  return dashboard.dump(2) + "\n";
}

}  // namespace swarmop::reconciler::profiles
