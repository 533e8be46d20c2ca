// FindMissingReferences / CheckReferences on the FakeEngine: every secret, `from:` config and extra network
// a write would need is named before the first write, once, with its users.
#include "swarmop/reconciler/core/missing_references.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "estate_fixtures.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::reconciler {
namespace {

using namespace swarmop::reconciler::testing;
using swarmop::testing::FakeEngine;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using Type = MissingReference::Type;

std::vector<MissingReference> Missing(engine::Engine& engine, const crds::DesiredState& desired) {
  auto missing = CheckReferences(engine, desired);
  EXPECT_TRUE(missing.ok()) << missing.status().ToString();
  return missing.ok() ? *missing : std::vector<MissingReference>{};
}

TEST(FindMissingReferences, AServicesOwnSecretIsNamedOnceWithEveryServiceThatUsesIt) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[0].spec.secrets = {{"api-key", ""}, {"db-password", ""}};
  desired.services[1].spec.secrets = {{"api-key", ""}};
  fake.AddSecret("db-password");
  engine::CountingEngine counting(&fake);
  std::vector<MissingReference> missing = Missing(counting, desired);
  EXPECT_EQ(counting.Writes(), 0u) << "checking writes nothing";
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].type, Type::kSecret);
  EXPECT_EQ(missing[0].name, "api-key");
  EXPECT_THAT(missing[0].users, ElementsAre(Pair("Service/api", ElementsAre("api-douala", "api-yaounde")),
                                            Pair("Service/web", ElementsAre("web-douala"))));
  EXPECT_EQ(missing[0].Message(),
            "secret api-key does not exist, so the swarm would refuse the services that use it: Service/api "
            "(api-douala, api-yaounde); Service/web (web-douala); create it first: docker secret create "
            "api-key FILE (swarmop never creates secrets)");
}

TEST(FindMissingReferences, AFromConfigAndAnExtraNetworkThatDoNotExistAreNamedToo) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  crds::ConfigFile from;
  from.target = "/etc/nginx.conf";
  from.from = "nginx-conf";
  desired.services[1].spec.configs = {from};
  desired.services[1].spec.networks = {"shared-backend"};
  std::vector<MissingReference> missing = Missing(fake, desired);
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].type, Type::kConfig);
  EXPECT_EQ(missing[0].name, "nginx-conf");
  EXPECT_THAT(missing[0].Message(), HasSubstr("docker config create nginx-conf FILE"));
  EXPECT_EQ(missing[1].type, Type::kNetwork);
  EXPECT_EQ(missing[1].name, "shared-backend");

  fake.AddConfig(engine::ConfigSpec{"nginx-conf", {}, "events {}", ""});
  engine::NetworkSpec network;
  network.name = "shared-backend";
  network.driver = "overlay";
  fake.AddNetwork(network);
  EXPECT_THAT(Missing(fake, desired), IsEmpty());
}

TEST(FindMissingReferences, WhatThePlanCreatesItselfIsNotMissing) {
  FakeEngine fake;  // no network, no config yet: the plan creates the site networks and inline configs
  crds::DesiredState desired = TwoSiteEstate();
  crds::ConfigFile inline_config;
  inline_config.target = "/etc/app.conf";
  inline_config.content = "x=1\n";
  desired.services[0].spec.configs = {inline_config};
  EXPECT_THAT(Missing(fake, desired), IsEmpty());
}

TEST(FindMissingReferences, AServiceThatNeedsNoWriteNeedsNothing) {
  FakeEngine fake;
  crds::DesiredState desired = TwoSiteEstate();
  desired.services[1].spec.secrets = {{"web-key", ""}};
  fake.AddSecret("web-key");
  ASSERT_TRUE(Converge(fake, desired).ok());
  auto planned = PlanEstate(fake, desired);
  ASSERT_TRUE(planned.ok());
  planned->actual.existing_secrets.clear();  // as if removed since: nothing writes web-douala
  EXPECT_THAT(FindMissingReferences(*planned), IsEmpty());
}

// The finding: the reference estate on a swarm without its secrets. Every secret that any Service
// or Replication lists is named, each once.
TEST(FindMissingReferences, TheReferenceEstateWithoutSecretsNamesEverySecretItUses) {
  auto files = crds::ReadSources({std::string(SWARMOP_SOURCE_DIR) + "/manifests/reference"});
  ASSERT_TRUE(files.ok());
  crds::LoadResult loaded = crds::LoadSpecs(*files);
  ASSERT_TRUE(loaded.ok()) << crds::FormatDiagnostics(loaded.errors);
  auto rendered = Render(loaded.state);
  ASSERT_TRUE(rendered.ok());
  std::set<std::string> used;
  for (const auto& service : rendered->services) {
    if (!service.target.local()) continue;
    for (const auto& ref : service.spec.task_template.container_spec.secrets) used.insert(ref.secret_name);
  }
  ASSERT_FALSE(used.empty());
  FakeEngine fake;
  engine::NetworkSpec ops;
  ops.name = "swarmop-ops";  // the prometheus Service's extra network, made before swarmop's own stack
  fake.AddNetwork(ops);
  std::set<std::string> named;
  for (const MissingReference& missing : Missing(fake, loaded.state)) {
    EXPECT_EQ(missing.type, Type::kSecret) << missing.Message();
    EXPECT_TRUE(named.insert(missing.name).second) << "named twice: " << missing.name;
  }
  EXPECT_EQ(named, used);
  EXPECT_TRUE(named.count("identity-secret-key")) << "a secret only a Service lists";
}

}  // namespace
}  // namespace swarmop::reconciler
