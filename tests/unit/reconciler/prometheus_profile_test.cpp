// The prometheus profile: what it renders for the reference estate (golden files), how it adjusts the
// monitoring services, how estate changes roll them, and the shape of the Grafana files (Grafana itself is
// not packaged here and never loads them). promtool/amtool check the same files in prometheus_tools_test.cpp.
// Regenerate the golden files after an intended change: SWARMOP_UPDATE_GOLDEN=1 unit_prometheus
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fake_engine.h"
#include "golden_file.h"
#include "replication_fixtures.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/core/apply.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/core/plan.h"
#include "swarmop/reconciler/profiles/prometheus.h"
#include "swarmop/reconciler/replication/plan_estate.h"
#include "swarmop/reconciler/replication/replication.h"

namespace swarmop::reconciler::profiles {
namespace {

using swarmop::reconciler::testing::ExpectGoldenFile;
using swarmop::reconciler::testing::ReferenceEstate;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kGoldenDir = std::string(SWARMOP_SOURCE_DIR) + "/tests/unit/reconciler/prometheus/golden/";

RenderOptions ProfileOptions() {
  RenderOptions options;
  UseReplicationRendering(options);
  UsePrometheusProfile(options);
  return options;
}

RenderedState RenderOk(const crds::DesiredState& desired) {
  auto rendered = Render(desired, ProfileOptions());
  EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
  return rendered.ok() ? *rendered : RenderedState{};
}

crds::Service* MutableService(crds::DesiredState& desired, const std::string& name) {
  for (crds::Service& s : desired.services) {
    if (s.name() == name) return &s;
  }
  ADD_FAILURE() << "no Service " << name;
  return nullptr;
}

// The content of the config mounted at `target` in `swarm_service`.
std::string Mounted(const RenderedState& rendered, const std::string& swarm_service,
                    const std::string& target) {
  const DesiredService* service = rendered.FindService(swarm_service);
  if (service == nullptr) return "<no service " + swarm_service + ">";
  for (const auto& ref : service->spec.task_template.container_spec.configs) {
    if (ref.file.name != target) continue;
    for (const DesiredConfig& config : rendered.configs) {
      if (config.spec.name == ref.config_name) return config.spec.data;
    }
    return "<config " + ref.config_name + " not rendered>";
  }
  return "<nothing at " + target + ">";
}

std::string ConfigNameAt(const RenderedState& rendered, const std::string& swarm_service,
                         const std::string& target) {
  const DesiredService* service = rendered.FindService(swarm_service);
  if (service == nullptr) return "";
  for (const auto& ref : service->spec.task_template.container_spec.configs) {
    if (ref.file.name == target) return ref.config_name;
  }
  return "";
}

TEST(PrometheusProfileGolden, ReferenceEstateFilesAsMounted) {
  RenderedState rendered = RenderOk(ReferenceEstate());
  ExpectGoldenFile(kGoldenDir + "prometheus.yml",
                   Mounted(rendered, "prometheus-cloud", "/etc/prometheus/prometheus.yml"));
  ExpectGoldenFile(kGoldenDir + "swarmop-rules.yml",
                   Mounted(rendered, "prometheus-cloud", "/etc/prometheus/swarmop-rules.yml"));
  ExpectGoldenFile(kGoldenDir + "alertmanager.yml",
                   Mounted(rendered, "alertmanager-cloud", "/etc/alertmanager/alertmanager.yml"));
  ExpectGoldenFile(kGoldenDir + "grafana-datasource.yml",
                   Mounted(rendered, "grafana-cloud", "/etc/grafana/provisioning/datasources/swarmop.yml"));
  ExpectGoldenFile(kGoldenDir + "grafana-dashboards.yml",
                   Mounted(rendered, "grafana-cloud", "/etc/grafana/provisioning/dashboards/swarmop.yml"));
  ExpectGoldenFile(kGoldenDir + "grafana-dashboard.json",
                   Mounted(rendered, "grafana-cloud", "/etc/grafana/dashboards/swarmop/swarmop.json"));
}

TEST(PrometheusProfile, PrometheusServiceGetsItsCommandSocketManagerPlacementAndDataVolume) {
  RenderedState rendered = RenderOk(ReferenceEstate());
  const DesiredService* prometheus = rendered.FindService("prometheus-cloud");
  ASSERT_NE(prometheus, nullptr);
  const auto& task = prometheus->spec.task_template;
  EXPECT_THAT(task.container_spec.command, ElementsAre("prometheus"));
  EXPECT_THAT(task.container_spec.args,
              ElementsAre("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
                          "--web.listen-address=:9090"));
  EXPECT_THAT(
      task.container_spec.mounts,
      Contains(engine::Mount{"bind", "/var/run/docker.sock", "/var/run/docker.sock", true, {}, "", {}}));
  EXPECT_THAT(task.container_spec.mounts,
              Contains(engine::Mount{"volume", "prometheus-cloud-data", "/prometheus", false, {}, "", {}}));
  EXPECT_THAT(task.placement.constraints, Contains("node.role==manager"));
  EXPECT_THAT(task.placement.constraints, Contains("node.labels.site==cloud"));
  std::vector<std::string> networks;
  for (const auto& n : task.networks) networks.push_back(n.target);
  EXPECT_THAT(networks, ElementsAre("swarmop-cloud", "swarmop-estate", "swarmop-ops"));
}

TEST(PrometheusProfile, DockerSocketAnnotationNamesTheHostPathOfTheSocket) {
  crds::DesiredState desired = ReferenceEstate();
  MutableService(desired, "prometheus")->metadata.annotations["swarmop.io/docker-socket"] =
      "/tmp/bed/docker.sock";
  RenderedState rendered = RenderOk(desired);
  EXPECT_THAT(
      rendered.FindService("prometheus-cloud")->spec.task_template.container_spec.mounts,
      Contains(engine::Mount{"bind", "/tmp/bed/docker.sock", "/var/run/docker.sock", true, {}, "", {}}));
}

TEST(PrometheusProfile, AlertmanagerAndGrafanaGetTheirFilesButNoSocket) {
  RenderedState rendered = RenderOk(ReferenceEstate());
  const DesiredService* alertmanager = rendered.FindService("alertmanager-cloud");
  ASSERT_NE(alertmanager, nullptr);
  EXPECT_THAT(alertmanager->spec.task_template.container_spec.args,
              ElementsAre("--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager",
                          "--web.listen-address=:9093"));
  const DesiredService* grafana = rendered.FindService("grafana-cloud");
  ASSERT_NE(grafana, nullptr);
  EXPECT_TRUE(grafana->spec.task_template.container_spec.command.empty());  // the image's entrypoint
  EXPECT_EQ(grafana->spec.task_template.container_spec.configs.size(), 3u);
  for (const DesiredService* s : {alertmanager, grafana}) {
    for (const auto& mount : s->spec.task_template.container_spec.mounts) EXPECT_NE(mount.type, "bind");
    EXPECT_THAT(s->spec.task_template.placement.constraints, Not(Contains("node.role==manager")));
  }
}

TEST(PrometheusProfile, ScrapeJobsFollowTheServicesThatAskToBeScraped) {
  crds::DesiredState desired = ReferenceEstate();
  RenderedState before = RenderOk(desired);
  std::string config = Mounted(before, "prometheus-cloud", "/etc/prometheus/prometheus.yml");
  EXPECT_THAT(config, HasSubstr("  - job_name: 'identity-api'\n    metrics_path: '/metrics'\n"));
  EXPECT_THAT(config, HasSubstr("regex: 'swarmop;Service;identity-api'"));
  EXPECT_THAT(config, HasSubstr("replacement: '$1:8000'"));
  EXPECT_THAT(config, Not(HasSubstr("job_name: 'accounts-frontend'")));

  crds::Service* web = nullptr;
  for (crds::Service& s : desired.services) {
    if (s.name() != "identity-api" && s.spec.profile != crds::Profile::kPrometheus) web = &s;
  }
  ASSERT_NE(web, nullptr);
  web->spec.labels["prometheus.io/scrape"] = "true";
  web->spec.labels["prometheus.io/port"] = "9100";
  web->spec.labels["prometheus.io/path"] = "/stats";
  RenderedState after = RenderOk(desired);
  std::string changed = Mounted(after, "prometheus-cloud", "/etc/prometheus/prometheus.yml");
  EXPECT_THAT(changed, HasSubstr("  - job_name: '" + web->name() + "'\n    metrics_path: '/stats'\n"));
  EXPECT_THAT(changed, HasSubstr("replacement: '$1:9100'"));
  // A new config name, so the service spec changes and Swarm rolls the task; the rules did not change.
  EXPECT_NE(ConfigNameAt(before, "prometheus-cloud", "/etc/prometheus/prometheus.yml"),
            ConfigNameAt(after, "prometheus-cloud", "/etc/prometheus/prometheus.yml"));
  EXPECT_EQ(ConfigNameAt(before, "prometheus-cloud", "/etc/prometheus/swarmop-rules.yml"),
            ConfigNameAt(after, "prometheus-cloud", "/etc/prometheus/swarmop-rules.yml"));
  EXPECT_FALSE(before.FindService("prometheus-cloud")->spec == after.FindService("prometheus-cloud")->spec);
  EXPECT_TRUE(before.FindService("alertmanager-cloud")->spec ==
              after.FindService("alertmanager-cloud")->spec);
}

TEST(PrometheusProfile, RenderingIsDeterministicWhateverTheOrderOfTheSpecs) {
  crds::DesiredState desired = ReferenceEstate();
  RenderedState first = RenderOk(desired);
  std::reverse(desired.services.begin(), desired.services.end());
  std::reverse(desired.sites.begin(), desired.sites.end());
  RenderedState second = RenderOk(desired);
  for (const char* name : {"prometheus-cloud", "alertmanager-cloud", "grafana-cloud"}) {
    ASSERT_NE(first.FindService(name), nullptr);
    ASSERT_NE(second.FindService(name), nullptr);
    EXPECT_TRUE(first.FindService(name)->spec == second.FindService(name)->spec) << name;
  }
}

TEST(PrometheusProfile, ServiceAskingToBeScrapedWithoutAPortIsLeftOutWithAWarningNamingIt) {
  crds::DesiredState desired = ReferenceEstate();
  crds::Service* api = MutableService(desired, "identity-api");
  ASSERT_NE(api, nullptr);
  api->spec.labels.erase("prometheus.io/port");
  api->spec.expose.reset();
  RenderedState rendered = RenderOk(desired);  // the rest of the estate still renders
  EXPECT_THAT(rendered.warnings, Contains(HasSubstr("identity-api is not scraped: prometheus.io/scrape is "
                                                    "\"true\" but prometheus.io/port is not set")));
  EXPECT_THAT(Mounted(rendered, "prometheus-cloud", "/etc/prometheus/prometheus.yml"),
              Not(HasSubstr("job_name: 'identity-api'")));

  api->spec.labels["prometheus.io/port"] = "80a";
  EXPECT_THAT(RenderOk(desired).warnings,
              Contains(HasSubstr("prometheus.io/port \"80a\" is not a port number")));
}

TEST(PrometheusProfile, ExposePortIsTheDefaultMetricsPort) {
  crds::DesiredState desired = ReferenceEstate();
  crds::Service* api = MutableService(desired, "identity-api");
  ASSERT_NE(api, nullptr);
  api->spec.labels.erase("prometheus.io/port");
  ScrapeTargetList scrape = ScrapeTargets(desired);
  EXPECT_TRUE(scrape.warnings.empty());
  ASSERT_EQ(scrape.targets.size(), 1u);
  EXPECT_EQ(scrape.targets[0].port, 8000);  // expose.port
}

TEST(PrometheusProfile, WhatTheServiceSetsItselfWins) {
  crds::DesiredState desired = ReferenceEstate();
  crds::Service* prometheus = MutableService(desired, "prometheus");
  ASSERT_NE(prometheus, nullptr);
  prometheus->spec.command = {"/usr/bin/prometheus"};
  prometheus->spec.args = {"--storage.tsdb.retention.time=30d", "--storage.tsdb.path=/data"};
  prometheus->spec.configs.push_back(
      {"mine", "/etc/prometheus/swarmop-rules.yml", std::string("groups: []\n"), {}});
  RenderedState rendered = RenderOk(desired);
  const auto& container = rendered.FindService("prometheus-cloud")->spec.task_template.container_spec;
  EXPECT_THAT(container.command, ElementsAre("/usr/bin/prometheus"));
  EXPECT_THAT(container.args,
              ElementsAre("--config.file=/etc/prometheus/prometheus.yml", "--web.listen-address=:9090",
                          "--storage.tsdb.retention.time=30d", "--storage.tsdb.path=/data"));
  EXPECT_EQ(Mounted(rendered, "prometheus-cloud", "/etc/prometheus/swarmop-rules.yml"), "groups: []\n");
}

TEST(PrometheusProfile, WarnsWhenSwarmopsOwnMetricsAreOutOfReach) {
  crds::DesiredState desired = ReferenceEstate();
  EXPECT_THAT(RenderOk(desired).warnings, Not(Contains(HasSubstr("swarmop-ops"))));
  MutableService(desired, "prometheus")->spec.networks.clear();
  EXPECT_THAT(RenderOk(desired).warnings, Contains(HasSubstr("not on the network swarmop-ops")));
}

TEST(PrometheusProfile, WarnsThatServicesAtSeparateSwarmSitesAreNotScraped) {
  crds::DesiredState desired = ReferenceEstate();
  for (crds::Site& site : desired.sites) {
    if (site.name() == "yaounde") {
      site.spec.node_selector.clear();
      site.spec.engine = crds::EngineEndpoint{"tcp://10.20.0.10:2376", std::nullopt};
    }
  }
  EXPECT_THAT(RenderOk(desired).warnings, Contains(HasSubstr("identity-api at site yaounde is not scraped")));
}

TEST(PrometheusProfile, UnknownComponentRendersNothingForThatServiceAndWarns) {
  crds::DesiredState desired = ReferenceEstate();
  MutableService(desired, "grafana")->spec.labels["io.swarmop.component"] = "loki";
  RenderedState rendered = RenderOk(desired);
  EXPECT_THAT(rendered.warnings, Contains(HasSubstr("\"loki\" is not prometheus, alertmanager or grafana")));
  EXPECT_TRUE(rendered.FindService("grafana-cloud")->spec.task_template.container_spec.configs.empty());
  EXPECT_FALSE(rendered.FindService("prometheus-cloud")->spec.task_template.container_spec.configs.empty());
}

TEST(PrometheusProfile, AlertmanagerRoutesEachSiteToItsReceiver) {
  crds::DesiredState desired = ReferenceEstate();
  for (crds::Site& site : desired.sites) {
    if (site.name() == "douala")
      site.metadata.annotations["swarmop.io/alert-webhook"] = "http://douala.example/hook";
  }
  std::string config = RenderAlertmanagerConfig(desired);
  YAML::Node yaml = YAML::Load(config);
  ASSERT_EQ(yaml["route"]["routes"].size(), desired.sites.size());
  std::map<std::string, std::string> webhook_of;
  for (const auto& receiver : yaml["receivers"]) {
    webhook_of[receiver["name"].as<std::string>()] =
        receiver["webhook_configs"] ? receiver["webhook_configs"][0]["url"].as<std::string>() : "";
  }
  EXPECT_EQ(webhook_of["site-douala"], "http://douala.example/hook");
  EXPECT_EQ(webhook_of["site-yaounde"], "http://alerts.example.cm:9000/swarmop");  // the operations one
  EXPECT_EQ(webhook_of["operations"], "http://alerts.example.cm:9000/swarmop");
  EXPECT_EQ(yaml["route"]["routes"][1]["matchers"][0].as<std::string>(), "site=\"douala\"");
}

// Grafana's provisioning reads apiVersion 1 files: datasources[] {name, type, access, url} and providers[]
// {name, type: file, options.path}; a dashboard is JSON with a title, a uid and panels with gridPos and
// targets. Grafana is not packaged here: these checks are all the files get.
TEST(PrometheusProfileGrafana, ProvisioningFilesHaveTheShapeGrafanaReads) {
  RenderedState rendered = RenderOk(ReferenceEstate());
  YAML::Node datasource =
      YAML::Load(Mounted(rendered, "grafana-cloud", "/etc/grafana/provisioning/datasources/swarmop.yml"));
  EXPECT_EQ(datasource["apiVersion"].as<int>(), 1);
  ASSERT_EQ(datasource["datasources"].size(), 1u);
  YAML::Node ds = datasource["datasources"][0];
  EXPECT_EQ(ds["type"].as<std::string>(), "prometheus");
  EXPECT_EQ(ds["access"].as<std::string>(), "proxy");
  EXPECT_EQ(ds["url"].as<std::string>(), "http://prometheus-cloud:9090");
  EXPECT_TRUE(ds["isDefault"].as<bool>());
  const std::string uid = ds["uid"].as<std::string>();

  YAML::Node providers =
      YAML::Load(Mounted(rendered, "grafana-cloud", "/etc/grafana/provisioning/dashboards/swarmop.yml"));
  EXPECT_EQ(providers["apiVersion"].as<int>(), 1);
  ASSERT_EQ(providers["providers"].size(), 1u);
  EXPECT_EQ(providers["providers"][0]["type"].as<std::string>(), "file");
  std::string path = providers["providers"][0]["options"]["path"].as<std::string>();
  EXPECT_NE(ConfigNameAt(rendered, "grafana-cloud", path + "/swarmop.json"), "")
      << "the dashboard is mounted in the provider's folder " << path;

  auto dashboard = nlohmann::json::parse(Mounted(rendered, "grafana-cloud", path + "/swarmop.json"));
  EXPECT_EQ(dashboard["uid"], "swarmop-estate");
  EXPECT_TRUE(dashboard["title"].is_string());
  EXPECT_TRUE(dashboard["schemaVersion"].is_number_integer());
  ASSERT_TRUE(dashboard["panels"].is_array());
  std::set<int> ids;
  std::string all_exprs;
  for (const auto& panel : dashboard["panels"]) {
    ids.insert(panel["id"].get<int>());
    EXPECT_TRUE(panel["title"].is_string());
    for (const char* key : {"x", "y", "w", "h"})
      EXPECT_TRUE(panel["gridPos"][key].is_number_integer()) << key;
    EXPECT_LE(panel["gridPos"]["x"].get<int>() + panel["gridPos"]["w"].get<int>(), 24);
    ASSERT_FALSE(panel["targets"].empty()) << panel["title"];
    for (const auto& target : panel["targets"]) {
      EXPECT_EQ(target["datasource"]["uid"], uid);
      all_exprs += target["expr"].get<std::string>() + "\n";
    }
  }
  EXPECT_EQ(ids.size(), dashboard["panels"].size()) << "panel ids are unique";
  // The four things the dashboard is for.
  EXPECT_THAT(all_exprs, HasSubstr("swarmop_site_health"));
  EXPECT_THAT(all_exprs, HasSubstr("swarmop_service_desired_tasks"));
  EXPECT_THAT(all_exprs, HasSubstr("swarmop_service_running_tasks"));
  EXPECT_THAT(all_exprs, HasSubstr("swarmop_site_failed_over"));
  EXPECT_THAT(all_exprs, HasSubstr("rate(swarmop_reconcile_total"));
}

TEST(PrometheusProfile, ReferenceEstateConvergesAndTheSecondApplyWritesNothing) {
  crds::DesiredState desired = ReferenceEstate();
  swarmop::testing::FakeEngine fake;
  engine::NetworkSpec ops;
  ops.name = "swarmop-ops";  // created by manifests/swarmop-stack.yaml
  ops.driver = "overlay";
  fake.AddNetwork(ops);
  RenderedState rendered = RenderOk(desired);
  for (const auto& s : rendered.services) {
    for (const auto& ref : s.spec.task_template.container_spec.secrets) fake.AddSecret(ref.secret_name);
  }
  PlanEstateOptions options;
  options.render = ProfileOptions();
  auto first = PlanEstate(fake, desired, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ApplyReport applied = ApplyPlan(fake, first->plan);
  ASSERT_TRUE(applied.ok()) << applied.ToString();
  auto second = PlanEstate(fake, desired, options);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ToString(second->plan), "");
}

}  // namespace
}  // namespace swarmop::reconciler::profiles
