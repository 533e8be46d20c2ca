// What swarmop ships for the reference databases, checked in as files so that any change to it shows in
// review. Regenerate after an intended change: SWARMOP_UPDATE_GOLDEN=1 unit_replication
#include <gtest/gtest.h>

#include "golden_file.h"
#include "replication_fixtures.h"
#include "swarmop/reconciler/replication/mongo.h"
#include "swarmop/reconciler/replication/postgres.h"

namespace swarmop::reconciler {
namespace {

using testing::Find;
using testing::ReferenceEstate;

const std::string kGoldenDir = std::string(SWARMOP_SOURCE_DIR) + "/tests/unit/reconciler/replication_golden/";

void ExpectGolden(const std::string& file, const std::string& rendered) {
  testing::ExpectGoldenFile(kGoldenDir + file, rendered);
}

TEST(ReferenceGolden, SessionsDbReplicaSetConfig) {
  crds::DesiredState estate = ReferenceEstate();
  ExpectGolden("sessions-db.rs-config-v1.json",
               RenderMongoReplicaSetConfig(Find(estate, "sessions-db"), 1) + "\n");
  ExpectGolden("sessions-db.connection-douala.txt",
               MongoConnectionString(Find(estate, "sessions-db"), "douala") + "\n");
}

TEST(ReferenceGolden, UsersDbConfigurationAndSql) {
  crds::DesiredState estate = ReferenceEstate();
  const crds::Replication& db = Find(estate, "users-db");
  ExpectGolden("users-db.primary.postgresql.conf", RenderPostgresPrimaryConf(db));
  ExpectGolden("users-db.replica-douala.postgresql.conf", RenderPostgresReplicaSetup(db, "douala").conf);
  ExpectGolden("users-db.pg_hba.conf", RenderPostgresHba(db));
  ExpectGolden("users-db.slots.sql", RenderPhysicalSlotSql(db));
  ExpectGolden("users-db.publications-douala.sql", RenderPublicationSql(db, "douala"));
  ExpectGolden("users-db.subscription-douala.sql", RenderSubscriptionSql(db, "douala"));
}

}  // namespace
}  // namespace swarmop::reconciler
