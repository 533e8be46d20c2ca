// LoadOptions::environment applies a Service's environments.<name> overrides.
#include <gtest/gtest.h>

#include "swarmop/crds/canonical.h"
#include "swarmop/crds/load.h"
#include "test_util.h"

namespace swarmop::crds {
namespace {

using testing::kThreeSites;
using testing::LoadText;

const std::string kWeb = std::string(kThreeSites) + R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: web}
spec:
  image: acme/web:2.0
  env: {MODE: production, LOG: info}
  sites: {douala: {replicas: 2}, yaounde: {replicas: 2}}
  environments:
    staging:
      env: {MODE: staging}
      sites: {douala: {replicas: 1}, cloud: {replicas: 1}}
      image: acme/web:2.1-rc1
    dev: {replicas: 0}
)";

Service Web(const LoadResult& result) {
  EXPECT_EQ(FormatDiagnostics(result.errors), "");
  return result.state.services.at(0);
}

TEST(Environments, WithoutAnEnvironmentTheBaseSpecIsUsed) {
  LoadResult result = LoadText(kWeb);
  const Service& web = Web(result);
  EXPECT_EQ(web.spec.image, "acme/web:2.0");
  EXPECT_EQ(web.spec.env.at("MODE"), "production");
  EXPECT_EQ(web.spec.sites.size(), 2u);
}

TEST(Environments, StagingMergesEnvOverridesSitesAndReplacesImage) {
  LoadResult result = LoadText(kWeb, {.environment = "staging"});
  const Service& web = Web(result);
  EXPECT_EQ(web.spec.image, "acme/web:2.1-rc1");
  EXPECT_EQ(web.spec.env.at("MODE"), "staging");
  EXPECT_EQ(web.spec.env.at("LOG"), "info");
  EXPECT_EQ(web.spec.sites.at("douala").replicas, 1);
  EXPECT_EQ(web.spec.sites.at("yaounde").replicas, 2);
  EXPECT_EQ(web.spec.sites.at("cloud").replicas, 1);
}

TEST(Environments, ReplicasOverrideAppliesToEverySite) {
  LoadResult result = LoadText(kWeb, {.environment = "dev"});
  const Service& web = Web(result);
  EXPECT_EQ(web.spec.sites.at("douala").replicas, 0);
  EXPECT_EQ(web.spec.sites.at("yaounde").replicas, 0);
}

TEST(Environments, AnUnknownEnvironmentLeavesTheBaseSpec) {
  LoadResult base = LoadText(kWeb);
  LoadResult other = LoadText(kWeb, {.environment = "qa"});
  EXPECT_EQ(Web(other).hash, Web(base).hash);
}

TEST(Environments, TheEffectiveSpecDropsEnvironmentsSoOtherOverridesDoNotChangeTheHash) {
  LoadResult base = LoadText(kWeb);
  std::string edited = kWeb;
  edited.replace(edited.find("image: acme/web:2.1-rc1"), 23, "image: acme/web:2.1-rc2");
  LoadResult other = LoadText(edited);
  EXPECT_EQ(Web(other).hash, Web(base).hash);
  EXPECT_EQ(ToCanonicalJson(Web(base)).find("environments"), std::string::npos);
  LoadResult staging_a = LoadText(kWeb, {.environment = "staging"});
  LoadResult staging_b = LoadText(edited, {.environment = "staging"});
  EXPECT_NE(Web(staging_a).hash, Web(staging_b).hash);
}

TEST(Environments, SitesAddedByAnEnvironmentAreCheckedLikeAnyOther) {
  std::string bad = kWeb;
  bad.replace(bad.find("cloud: {replicas: 1}"), 20, "kribi: {replicas: 1}");
  LoadResult result = LoadText(bad, {.environment = "staging"});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].message.find("no Site named \"kribi\""), std::string::npos);
}

}  // namespace
}  // namespace swarmop::crds
