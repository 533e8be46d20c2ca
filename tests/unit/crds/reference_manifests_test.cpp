// The reference architecture in manifests/reference must always validate cleanly.
#include <gtest/gtest.h>

#include "swarmop/crds/canonical.h"
#include "swarmop/crds/load.h"

namespace swarmop::crds {
namespace {

const std::string kReferenceDir = std::string(SWARMOP_SOURCE_DIR) + "/manifests/reference";

TEST(ReferenceManifests, ValidateWithZeroErrors) {
  StatusOr<std::vector<SourceFile>> files = ReadSources({kReferenceDir});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  LoadResult result = LoadSpecs(*files);
  EXPECT_EQ(FormatDiagnostics(result.errors), "");
  EXPECT_EQ(result.state.sites.size(), 3u);
  EXPECT_EQ(result.state.replications.size(), 2u);
  EXPECT_EQ(result.state.services.size(), 6u);  // with alertmanager and grafana (prometheus.yaml)
}

TEST(ReferenceManifests, ValidateWithZeroErrorsInStaging) {
  StatusOr<std::vector<SourceFile>> files = ReadSources({kReferenceDir});
  ASSERT_TRUE(files.ok());
  LoadResult result = LoadSpecs(*files, {.environment = "staging"});
  EXPECT_EQ(FormatDiagnostics(result.errors), "");
  const Service* api = result.state.FindService("identity-api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->spec.sites.at("douala").replicas, 1);
  EXPECT_EQ(api->spec.env.at("DJANGO_DEBUG"), "0");
}

TEST(ReferenceManifests, ModelCarriesTheReferenceValues) {
  StatusOr<std::vector<SourceFile>> files = ReadSources({kReferenceDir});
  ASSERT_TRUE(files.ok());
  LoadResult result = LoadSpecs(*files);
  const Site* douala = result.state.FindSite("douala");
  ASSERT_NE(douala, nullptr);
  EXPECT_EQ(douala->spec.failover, "yaounde");
  EXPECT_TRUE(douala->spec.network.encrypted);
  const Service* api = result.state.FindService("identity-api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->spec.profile, Profile::kDjangoApi);
  EXPECT_EQ(api->spec.sites.at("douala").replicas, 2);
  EXPECT_EQ(api->spec.database_replication, "users-db");
  EXPECT_EQ(api->spec.update.order, UpdateOrder::kStartFirst);
  EXPECT_EQ(api->spec.update.failure_action, FailureAction::kRollback);
  ASSERT_TRUE(api->spec.healthcheck.has_value());
  EXPECT_EQ(api->spec.healthcheck->interval, std::chrono::seconds(30));
  EXPECT_EQ(api->spec.healthcheck->retries, 3);
  const Replication* sessions = result.state.FindReplication("sessions-db");
  ASSERT_NE(sessions, nullptr);
  EXPECT_EQ(sessions->spec.engine, DatabaseEngine::kMongoDb);
  ASSERT_EQ(sessions->spec.members.size(), 3u);
  EXPECT_EQ(sessions->spec.members[0].priority, 2);
  EXPECT_EQ(sessions->spec.members[0].votes, 1);
  EXPECT_EQ(api->hash.size(), 64u);
}

}  // namespace
}  // namespace swarmop::crds
