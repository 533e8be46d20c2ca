// The kong profile: the declarative config it renders (golden file for the reference gateway, and Kong's
// own JSON Schema for every config rendered here), what it does to the gateway's Swarm services, and how a
// change to an exposed Service rolls the gateway. Regenerate the golden file after an intended change:
// SWARMOP_UPDATE_GOLDEN=1 unit_profiles
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "estate_fixtures.h"
#include "golden_file.h"
#include "kong_schema_check.h"
#include "replication_fixtures.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/profiles/kong.h"
#include "swarmop/reconciler/profiles/profiles.h"
#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::reconciler {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace swarmop::reconciler::testing;
using swarmop::testing::FakeEngine;

const std::string kGoldenDir = std::string(SWARMOP_SOURCE_DIR) + "/tests/unit/reconciler/profiles_golden/";

void ExpectGolden(const std::string& file, const std::string& rendered) {
  testing::ExpectGoldenFile(kGoldenDir + file, rendered);
}

RenderOptions WithProfiles() {
  RenderOptions options;
  UseProfileRendering(options);
  return options;
}

RenderedState MustRender(const crds::DesiredState& desired) {
  auto rendered = Render(desired, WithProfiles());
  EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
  return rendered.ok() ? *rendered : RenderedState{};
}

// The text of the config mounted at /kong/kong.yml in `swarm_name`.
std::string MountedKongYaml(const RenderedState& rendered, const std::string& swarm_name) {
  const DesiredService* service = rendered.FindService(swarm_name);
  if (service == nullptr) return "no service " + swarm_name;
  for (const auto& ref : service->spec.task_template.container_spec.configs) {
    if (ref.file.name != profiles::kKongConfigPath) continue;
    for (const auto& config : rendered.configs) {
      if (config.spec.name == ref.config_name) return config.spec.data;
    }
  }
  return "nothing mounted at /kong/kong.yml in " + swarm_name;
}

crds::Service Exposed(const std::string& name, std::map<std::string, int> sites, int port,
                      std::vector<std::string> paths) {
  crds::Service service = Service(name, std::move(sites));
  service.spec.expose = crds::Expose{port, std::move(paths), {}};
  return service;
}

crds::Service Gateway(const std::string& site = "cloud") {
  crds::Service gateway = Service("gateway", {{site, 2}}, "kong:3.6");
  gateway.spec.profile = crds::Profile::kKong;
  gateway.spec.ports = {{443, 8443, crds::Protocol::kTcp, crds::PublishMode::kIngress}};
  return gateway;
}

// cloud + douala + yaounde (all local), a gateway at cloud, an API at all three with an http healthcheck
// on its exposed port, a front-end at douala without healthcheck.
crds::DesiredState GatewayEstate() {
  crds::DesiredState desired;
  desired.sites = {Site("cloud"), Site("douala"), Site("yaounde")};
  crds::Service api = Exposed("api", {{"cloud", 1}, {"douala", 2}, {"yaounde", 2}}, 8000, {"/api"});
  api.spec.expose->hosts = {"api.example.cm"};
  api.spec.healthcheck =
      crds::HealthCheck{"/healthz", 8000, {}, std::chrono::seconds(30), std::chrono::seconds(3), 4, {}};
  crds::Service web = Exposed("web", {{"douala", 1}}, 8080, {"/"});
  desired.services = {Gateway(), web, api, Service("worker", {{"douala", 1}})};
  return desired;
}

TEST(KongProfile, ReferenceGatewayRendersTheGoldenKongYmlAndKongsSchemaAcceptsIt) {
  RenderedState rendered = MustRender(ReferenceEstate());
  std::string yaml = MountedKongYaml(rendered, "gateway-cloud");
  ExpectGolden("gateway.kong.yml", yaml);
  EXPECT_THAT(KongSchemaViolations(yaml), IsEmpty()) << yaml;
  EXPECT_THAT(yaml, HasSubstr("target: identity-api-douala:8000"));
}

TEST(KongProfile, EveryConfigRenderedHerePassesKongsSchema) {
  std::vector<crds::DesiredState> estates;
  estates.push_back(GatewayEstate());
  crds::DesiredState nothing_exposed;
  nothing_exposed.sites = {Site("cloud")};
  nothing_exposed.services = {Gateway()};
  estates.push_back(nothing_exposed);
  crds::DesiredState with_plugins = GatewayEstate();
  with_plugins.services[0].spec.kong =
      crds::KongSettings{{{"correlation-id", R"({"echo_downstream":true,"header_name":"X-Request-ID"})", ""},
                          {"prometheus", "", ""},
                          {"rate-limiting", R"({"minute":600,"policy":"local"})", "api"}}};
  estates.push_back(with_plugins);
  crds::DesiredState separate = GatewayEstate();
  separate.sites[2] = SeparateSite("yaounde");
  estates.push_back(separate);
  for (const auto& estate : estates) {
    std::string yaml = MountedKongYaml(MustRender(estate), "gateway-cloud");
    EXPECT_THAT(KongSchemaViolations(yaml), IsEmpty()) << yaml;
  }
}

TEST(KongProfile, TheSchemaCheckRejectsABrokenConfig) {
  std::string yaml = MountedKongYaml(MustRender(GatewayEstate()), "gateway-cloud");
  ASSERT_THAT(KongSchemaViolations(yaml), IsEmpty());
  // A route's paths as a string instead of a list, an unknown upstream field, a string port.
  std::string broken = yaml;
  broken.replace(broken.find("paths:\n"), 7, "paths: /api\n    old_paths:\n");
  EXPECT_THAT(KongSchemaViolations(broken), Not(IsEmpty()));
  std::string unknown = yaml;
  unknown.replace(unknown.find("algorithm:"), 10, "balancer:");
  EXPECT_THAT(KongSchemaViolations(unknown), Not(IsEmpty()));
  std::string port = yaml;
  port.replace(port.find("port: 8000"), 10, "port: \"8000\"");
  EXPECT_THAT(KongSchemaViolations(port), Not(IsEmpty()));
  EXPECT_THAT(KongSchemaViolations("_format_version: \"1.1\"\n"), Not(IsEmpty()));
}

TEST(KongProfile, OneUpstreamPerExposedServiceWithATargetPerSiteService) {
  auto config = profiles::RenderKongConfig(GatewayEstate(), GatewayEstate().services[0], "cloud");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const std::string& yaml = config->yaml;
  EXPECT_THAT(yaml, HasSubstr("name: api.upstream"));
  EXPECT_THAT(yaml, HasSubstr("target: api-cloud:8000"));
  EXPECT_THAT(yaml, HasSubstr("target: api-douala:8000"));
  EXPECT_THAT(yaml, HasSubstr("target: api-yaounde:8000"));
  EXPECT_THAT(yaml, HasSubstr("target: web-douala:8080"));
  EXPECT_THAT(yaml, Not(HasSubstr("worker")));  // exposes nothing
  EXPECT_THAT(config->warnings, IsEmpty());
}

TEST(KongProfile, HttpHealthcheckOnTheExposedPortBecomesAnActiveHttpCheckElseTcp) {
  auto config = profiles::RenderKongConfig(GatewayEstate(), GatewayEstate().services[0], "cloud");
  ASSERT_TRUE(config.ok());
  const std::string& yaml = config->yaml;
  // api: /healthz every min(30 s, 10 s), timeout 3 s, unhealthy after its 4 retries.
  EXPECT_THAT(yaml,
              HasSubstr("      active:\n        healthy:\n          interval: 10\n          successes: 2\n"
                        "        http_path: /healthz\n        timeout: 3\n        type: http\n"
                        "        unhealthy:\n          http_failures: 4\n          interval: 10\n"
                        "          tcp_failures: 4\n          timeouts: 4\n"));
  // web has no healthcheck: tcp connect every 5 s.
  EXPECT_THAT(yaml, HasSubstr("        timeout: 2\n        type: tcp\n"));

  crds::DesiredState other_port = GatewayEstate();
  other_port.services[2].spec.healthcheck->port = 9000;
  auto fallback = profiles::RenderKongConfig(other_port, other_port.services[0], "cloud");
  ASSERT_TRUE(fallback.ok());
  EXPECT_THAT(fallback->yaml, Not(HasSubstr("http_path")));
  EXPECT_THAT(fallback->warnings, ElementsAre(HasSubstr("probes port 9000, not the exposed port 8000")));
}

TEST(KongProfile, TargetsInAnotherSwarmThanTheGatewayAreLeftOutWithAWarning) {
  crds::DesiredState desired = GatewayEstate();
  desired.sites[2] = SeparateSite("yaounde");
  auto config = profiles::RenderKongConfig(desired, desired.services[0], "cloud");
  ASSERT_TRUE(config.ok());
  EXPECT_THAT(config->yaml, Not(HasSubstr("api-yaounde")));
  EXPECT_THAT(config->yaml, HasSubstr("api-douala:8000"));
  EXPECT_THAT(config->warnings, ElementsAre(HasSubstr("api at site yaounde is in another swarm")));
  EXPECT_THAT(MustRender(desired).warnings,
              Contains(HasSubstr("Service gateway (kong): Service api at site")));
}

TEST(KongProfile, PluginsGoInGloballyOrOnTheServiceTheyName) {
  crds::DesiredState desired = GatewayEstate();
  desired.services[0].spec.kong =
      crds::KongSettings{{{"correlation-id", R"({"header_name":"X-Request-ID"})", ""},
                          {"rate-limiting", R"({"minute":600})", "api"}}};
  auto config = profiles::RenderKongConfig(desired, desired.services[0], "cloud");
  ASSERT_TRUE(config.ok());
  EXPECT_THAT(
      config->yaml,
      HasSubstr("plugins:\n  - config:\n      header_name: X-Request-ID\n    name: correlation-id\n"));
  EXPECT_THAT(
      config->yaml,
      HasSubstr("    plugins:\n      - config:\n          minute: 600\n        name: rate-limiting\n"));

  desired.services[0].spec.kong->plugins[1].service = "worker";
  auto unknown = profiles::RenderKongConfig(desired, desired.services[0], "cloud");
  ASSERT_TRUE(unknown.ok()) << unknown.status().ToString();  // a warning: never fail the whole estate
  EXPECT_THAT(unknown->yaml, Not(HasSubstr("rate-limiting")));
  EXPECT_THAT(
      unknown->warnings,
      ElementsAre(HasSubstr("names Service \"worker\", which exposes nothing: the plugin is left out")));
  EXPECT_THAT(KongSchemaViolations(unknown->yaml), IsEmpty());
}

TEST(KongProfile, TheSameEstateInAnotherOrderRendersTheSameBytes) {
  crds::DesiredState desired = GatewayEstate();
  std::string first = MountedKongYaml(MustRender(desired), "gateway-cloud");
  std::reverse(desired.services.begin(), desired.services.end());
  EXPECT_EQ(MountedKongYaml(MustRender(desired), "gateway-cloud"), first);
}

TEST(KongProfile, GatewayRunsDbLessFromTheMountedConfigAndRollsStartFirst) {
  crds::DesiredState desired = GatewayEstate();
  desired.services[0].spec.env = {{"KONG_DATABASE", "postgres"}, {"KONG_LOG_LEVEL", "info"}};
  RenderedState rendered = MustRender(desired);
  const engine::ServiceSpec& gateway = rendered.FindService("gateway-cloud")->spec;
  const auto& container = gateway.task_template.container_spec;
  EXPECT_THAT(container.env, ElementsAre("KONG_DATABASE=off", "KONG_DECLARATIVE_CONFIG=/kong/kong.yml",
                                         "KONG_LOG_LEVEL=info"));
  ASSERT_EQ(container.configs.size(), 1u);
  EXPECT_EQ(container.configs[0].file.name, "/kong/kong.yml");
  EXPECT_THAT(container.configs[0].config_name, ::testing::MatchesRegex("gateway-kong.yml-[0-9a-f]{12}"));
  EXPECT_EQ(gateway.update_config->order, "start-first");
  // Other services are left as the core rendered them.
  EXPECT_THAT(rendered.FindService("api-douala")->spec.task_template.container_spec.configs, IsEmpty());
}

TEST(KongProfile, AChangedExposedServiceRotatesTheConfigAndUpdatesOnlyTheGateway) {
  FakeEngine fake;
  crds::DesiredState desired = GatewayEstate();
  PlanEstateOptions options;
  options.render = WithProfiles();
  auto plan_and_apply = [&](engine::Engine& engine) {
    auto planned = PlanEstate(engine, desired, options);
    EXPECT_TRUE(planned.ok()) << planned.status().ToString();
    ApplyOptions apply;
    apply.retry_backoff = std::chrono::milliseconds(1);
    EXPECT_TRUE(ApplyPlan(engine, planned->plan, apply).ok());
    return ToString(planned->plan);
  };
  plan_and_apply(fake);
  desired.services[2].spec.expose->paths = {"/api", "/v2/api"};
  auto planned = PlanEstate(fake, desired, options);
  ASSERT_TRUE(planned.ok());
  std::string plan = ToString(planned->plan);
  EXPECT_THAT(plan, HasSubstr("create config gateway-kong.yml-"));
  EXPECT_THAT(plan, HasSubstr("update service gateway-cloud\n  configs./kong/kong.yml: gateway-kong.yml-"));
  EXPECT_THAT(plan, HasSubstr("remove config gateway-kong.yml-"));
  EXPECT_THAT(plan, Not(HasSubstr("update service api-")));
  plan_and_apply(fake);
  engine::CountingEngine counting(&fake);
  EXPECT_EQ(plan_and_apply(counting), "");
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
}

}  // namespace
}  // namespace swarmop::reconciler
