// Render: table-free sentences; every case checks one rule of render.h.
#include "swarmop/reconciler/core/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "estate_fixtures.h"
#include "swarmop/crds/canonical.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace swarmop::reconciler::testing;

RenderedState MustRender(const crds::DesiredState& desired, const RenderOptions& options = {}) {
  auto rendered = Render(desired, options);
  EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
  return rendered.ok() ? *rendered : RenderedState{};
}

TEST(Render, EachServiceAtEachSiteBecomesOneSwarmServiceNamedServiceDashSite) {
  RenderedState out = MustRender(TwoSiteEstate());
  std::vector<std::string> names;
  for (const auto& s : out.services) names.push_back(s.spec.name);
  EXPECT_THAT(names, ElementsAre("api-douala", "api-yaounde", "web-douala"));
  EXPECT_EQ(out.FindService("api-yaounde")->spec.mode.replicas, 2u);
  EXPECT_EQ(out.FindService("api-yaounde")->site, "yaounde");
}

TEST(Render, PlacementJoinsNodeSelectorSiteConstraintsAndServiceConstraints) {
  crds::DesiredState desired = TwoSiteEstate();
  desired.sites[0].spec.node_selector = {{"site", "douala"}, {"zone", "a"}};
  desired.services[0].spec.sites["douala"].constraints = {"node.role==worker"};
  desired.services[0].spec.placement.constraints = {"node.platform.os==linux"};
  desired.services[0].spec.placement.spread_preferences = {"node.labels.rack"};
  desired.services[0].spec.placement.max_replicas_per_node = 1;
  RenderedState out = MustRender(desired);
  const auto& placement = out.FindService("api-douala")->spec.task_template.placement;
  EXPECT_THAT(placement.constraints, ElementsAre("node.labels.site==douala", "node.labels.zone==a",
                                                 "node.role==worker", "node.platform.os==linux"));
  EXPECT_THAT(placement.spread, ElementsAre("node.labels.rack"));
  EXPECT_EQ(placement.max_replicas, 1u);
}

TEST(Render, OwnershipLabelsAreOnEveryServiceAndWinOverUserLabels) {
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[0].spec.labels = {{"team", "core"}, {labels::kManagedBy, "someone-else"}};
  RenderedState out = MustRender(desired);
  const auto& l = out.FindService("api-douala")->spec.labels;
  EXPECT_EQ(l.at(labels::kManagedBy), "swarmop");
  EXPECT_EQ(l.at(labels::kOwnerKind), "Service");
  EXPECT_EQ(l.at(labels::kOwnerName), "api");
  EXPECT_EQ(l.at(labels::kSite), "douala");
  EXPECT_EQ(l.at(labels::kSpecHash), "service-hash-api");
  EXPECT_EQ(l.at("team"), "core");
}

TEST(Render, EnvIsRenderedSortedAsKeyEqualsValue) {
  RenderedState out = MustRender(TwoSiteEstate());
  const auto& env = out.FindService("api-douala")->spec.task_template.container_spec.env;
  EXPECT_THAT(env, ElementsAre("A_FIRST=1", "MODE=prod"));
}

TEST(Render, HttpHealthcheckBecomesAWgetShellCommandAgainstLocalhost) {
  crds::DesiredState desired = TwoSiteEstate();
  crds::HealthCheck check;
  check.http_path = "/healthz";
  check.port = 8080;
  check.interval = std::chrono::seconds(10);
  check.retries = 3;
  desired.services[0].spec.healthcheck = check;
  RenderedState out = MustRender(desired);
  const auto& health = *out.FindService("api-douala")->spec.task_template.container_spec.healthcheck;
  EXPECT_THAT(health.test,
              ElementsAre("CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/healthz || exit 1"));
  EXPECT_EQ(health.interval_ns, 10'000'000'000);
  EXPECT_EQ(health.retries, 3);
}

TEST(Render, CommandHealthcheckBecomesCmd) {
  crds::DesiredState desired = TwoSiteEstate();
  crds::HealthCheck check;
  check.command = {"pg_isready", "-q"};
  desired.services[0].spec.healthcheck = check;
  RenderedState out = MustRender(desired);
  const auto& health = *out.FindService("api-douala")->spec.task_template.container_spec.healthcheck;
  EXPECT_THAT(health.test, ElementsAre("CMD", "pg_isready", "-q"));
}

TEST(Render, InlineConfigBecomesOneContentAddressedConfigSharedByTheSites) {
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[0].spec.configs = {
      {"nginx", "/etc/nginx/nginx.conf", std::string("worker 1;"), std::nullopt}};
  RenderedState out = MustRender(desired);
  ASSERT_EQ(out.configs.size(), 1u);
  std::string name = out.configs[0].spec.name;
  EXPECT_EQ(name, ContentConfigName("api", "nginx", "worker 1;"));
  EXPECT_THAT(name, ::testing::MatchesRegex("api-nginx-[0-9a-f]{12}"));
  EXPECT_EQ(out.configs[0].spec.data, "worker 1;");
  EXPECT_EQ(out.configs[0].spec.labels.at(labels::kManagedBy), "swarmop");
  for (const char* service : {"api-douala", "api-yaounde"}) {
    const auto& refs = out.FindService(service)->spec.task_template.container_spec.configs;
    ASSERT_EQ(refs.size(), 1u);
    EXPECT_EQ(refs[0].config_name, name);
    EXPECT_EQ(refs[0].config_id, "");  // resolved at apply time
    EXPECT_EQ(refs[0].file.name, "/etc/nginx/nginx.conf");
  }
}

TEST(Render, ConfigNameFitsSixtyFourCharactersAndKeepsTheHash) {
  std::string name = ContentConfigName(std::string(40, 'a'), "a-very-long-logical-file-name.conf", "x");
  EXPECT_LE(name.size(), 64u);
  EXPECT_EQ(name.substr(name.size() - 12), crds::Sha256Hex("x").substr(0, 12));
}

TEST(Render, ConfigFromAnExistingConfigAndSecretsAreReferencedByName) {
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[0].spec.configs = {{"", "/etc/app.conf", std::nullopt, std::string("shared-app-conf")}};
  desired.services[0].spec.secrets = {{"db-password", ""}, {"tls-key", "/run/secrets/tls/key.pem"}};
  RenderedState out = MustRender(desired);
  EXPECT_TRUE(out.configs.empty());
  const auto& c = out.FindService("api-douala")->spec.task_template.container_spec;
  EXPECT_EQ(c.configs[0].config_name, "shared-app-conf");
  EXPECT_EQ(c.secrets[0].secret_name, "db-password");
  EXPECT_EQ(c.secrets[0].file.name, "db-password");
  EXPECT_EQ(c.secrets[1].file.name, "/run/secrets/tls/key.pem");
}

TEST(Render, IngressPortOfAServiceAtSeveralSitesIsPublishedInHostModeWithAWarning) {
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[0].spec.ports = {{8080, 80, crds::Protocol::kTcp, crds::PublishMode::kIngress}};
  desired.services[1].spec.ports = {{9090, 90, crds::Protocol::kTcp, crds::PublishMode::kIngress}};
  RenderedState out = MustRender(desired);
  const auto& api = out.FindService("api-douala")->spec.endpoint_spec->ports;
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(api[0].publish_mode, "host");
  EXPECT_EQ(api[0].published_port, 8080u);
  EXPECT_EQ(out.FindService("web-douala")->spec.endpoint_spec->ports[0].publish_mode, "ingress");
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_THAT(out.warnings[0], HasSubstr("Service api"));
}

TEST(Render, EverySiteGetsItsOverlayAndLocalServicesAlsoJoinTheEstateNetwork) {
  crds::DesiredState desired = TwoSiteEstate();
  desired.sites[1].spec.network.encrypted = false;
  RenderedState out = MustRender(desired);
  std::map<std::string, const DesiredNetwork*> networks;
  for (const auto& n : out.networks) networks[n.spec.name] = &n;
  ASSERT_EQ(networks.size(), 3u);
  EXPECT_TRUE(networks.at("swarmop-douala")->spec.options.count("encrypted"));
  EXPECT_FALSE(networks.at("swarmop-yaounde")->spec.options.count("encrypted"));
  EXPECT_TRUE(networks.at("swarmop-estate")->spec.options.count("encrypted"));  // one site wants it
  EXPECT_EQ(networks.at("swarmop-estate")->owner, (Owner{"Estate", "estate"}));
  EXPECT_EQ(networks.at("swarmop-yaounde")->owner, (Owner{"Site", "yaounde"}));
  const auto& attached = out.FindService("api-yaounde")->spec.task_template.networks;
  ASSERT_EQ(attached.size(), 2u);
  EXPECT_EQ(attached[0].target, "swarmop-yaounde");
  EXPECT_EQ(attached[1].target, "swarmop-estate");
}

TEST(Render, ObjectsOfASeparateSwarmSiteCarryTheirTarget) {
  crds::DesiredState desired = TwoSiteEstate();
  desired.sites.push_back(SeparateSite("cloud"));
  desired.services.push_back(Service("kong", {{"cloud", 1}}));
  RenderedState out = MustRender(desired);
  const DesiredService* kong = out.FindService("kong-cloud");
  ASSERT_NE(kong, nullptr);
  EXPECT_FALSE(kong->target.local());
  EXPECT_EQ(kong->target.site, "cloud");
  EXPECT_EQ(kong->target.engine_host, "tcp://10.20.0.10:2376");
  EXPECT_EQ(kong->spec.task_template.networks.size(), 1u);  // its site network; no estate network there
  EXPECT_TRUE(out.FindService("api-douala")->target.local());
}

TEST(Render, ProfileHookRunsForItsProfileOnly) {
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[1].spec.profile = crds::Profile::kKong;
  std::vector<std::string> called;
  RenderOptions options;
  options.profiles[crds::Profile::kKong] = [&](const ProfileContext& context, RenderedState&) {
    called.push_back(context.service.name());
    return Status::Ok();
  };
  MustRender(desired, options);
  EXPECT_THAT(called, ElementsAre("web"));
}

TEST(Render, ReplicationsRenderNothingUntilTheirRendererLands) {
  crds::DesiredState desired = TwoSiteEstate();
  crds::Replication db;
  db.metadata.name = "db";
  desired.replications.push_back(db);
  EXPECT_EQ(MustRender(desired).services.size(), 3u);
}

// A key's reconcile renders its own objects only: the same ones, in the same order, as Render gives that
// owner, with every network; a Service adjuster sees only the Service being rendered.
TEST(Render, RenderingOneServiceGivesWhatTheWholeRenderGivesThatService) {
  crds::DesiredState desired = TwoSiteEstate();
  std::vector<std::string> adjusted;
  RenderOptions options;
  options.service_adjusters.push_back([&](const ProfileContext& context, DesiredService& service) {
    adjusted.push_back(context.service.name() + ":" + service.spec.name);
    return Status::Ok();
  });
  RenderedState whole = MustRender(desired, options);
  EXPECT_THAT(adjusted, ElementsAre("api:api-douala", "api:api-yaounde", "web:web-douala"));
  adjusted.clear();
  auto by_owner = RenderOwner(desired, Owner{"Service", "api"}, options);
  auto by_service = RenderServiceOwner(desired, *desired.FindService("api"), options);
  ASSERT_TRUE(by_owner.ok() && by_service.ok());
  EXPECT_THAT(adjusted,
              ElementsAre("api:api-douala", "api:api-yaounde", "api:api-douala", "api:api-yaounde"));
  for (const RenderedState* one : {&*by_owner, &*by_service}) {
    std::vector<std::string> names;
    for (const auto& s : one->services) names.push_back(s.spec.name);
    EXPECT_THAT(names, ElementsAre("api-douala", "api-yaounde"));
    EXPECT_EQ(one->networks.size(), whole.networks.size());
    EXPECT_EQ(one->services[0].spec.labels, whole.services[0].spec.labels);
  }
  EXPECT_TRUE(RenderOwner(desired, Owner{"Service", "gone"}, options)->services.empty());
}

TEST(Render, ServiceAtAnUnknownSiteIsAnError) {
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[0].spec.sites["kribi"].replicas = 1;
  auto out = Render(desired);
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), HasSubstr("no Site named \"kribi\""));
}

}  // namespace
}  // namespace swarmop::reconciler
