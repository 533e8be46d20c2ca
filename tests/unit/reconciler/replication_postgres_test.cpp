// The PostgreSQL files and SQL a Replication renders (their behaviour on real servers is proved by
// tests/integration/replication).
#include <gtest/gtest.h>

#include "replication_fixtures.h"
#include "swarmop/reconciler/replication/postgres.h"

namespace swarmop::reconciler {
namespace {

using testing::Find;
using testing::ReferenceEstate;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class UsersDb : public ::testing::Test {
 protected:
  crds::DesiredState estate = ReferenceEstate();
  const crds::Replication& db = Find(estate, "users-db");
};

TEST_F(UsersDb, RunsThePrimaryTwoReadReplicasAndALocalWriterPerPublishingEdgeSite) {
  std::vector<PostgresServer> expected{{PostgresRole::kPrimary, "cloud", "users-db-cloud"},
                                       {PostgresRole::kReadReplica, "douala", "users-db-douala"},
                                       {PostgresRole::kReadReplica, "yaounde", "users-db-yaounde"},
                                       {PostgresRole::kLocalWriter, "douala", "users-db-douala-local"},
                                       {PostgresRole::kLocalWriter, "yaounde", "users-db-yaounde-local"}};
  EXPECT_EQ(PostgresServers(db), expected);
}

TEST_F(UsersDb, PrimaryConfHasLogicalWalAndTheConfiguredSlotRetention) {
  std::string conf = RenderPostgresPrimaryConf(db);
  EXPECT_TRUE(Contains(conf, "wal_level = logical\n")) << conf;
  EXPECT_TRUE(Contains(conf, "max_slot_wal_keep_size = -1\n")) << conf;
  EXPECT_TRUE(Contains(conf, "hba_file = '/etc/swarmop/pg_hba.conf'\n")) << conf;
  EXPECT_TRUE(Contains(conf, "listen_addresses = '*'\n")) << conf;
}

TEST_F(UsersDb, SlotRetentionFollowsWalKeepSize) {
  crds::Replication capped = db;
  capped.spec.wal_keep_size = "10GB";
  EXPECT_TRUE(Contains(RenderPostgresPrimaryConf(capped), "max_slot_wal_keep_size = 10GB\n"));
}

TEST_F(UsersDb, ReplicaFollowsThePrimaryThroughItsOwnSlotWithoutAPassword) {
  PostgresReplicaSetup setup = RenderPostgresReplicaSetup(db, "douala");
  EXPECT_EQ(setup.slot_name, "replica_users_db_douala");
  EXPECT_EQ(setup.standby_signal, "standby.signal");
  EXPECT_TRUE(Contains(setup.conf,
                       "primary_conninfo = 'host=users-db-cloud port=5432 user=postgres "
                       "passfile=/var/run/postgresql/swarmop.pgpass application_name=users-db-douala'\n"))
      << setup.conf;
  EXPECT_TRUE(Contains(setup.conf, "primary_slot_name = 'replica_users_db_douala'\n")) << setup.conf;
  EXPECT_TRUE(Contains(setup.conf, "hot_standby = on\n"));
  std::vector<std::string> expected{
      "-d",
      "host=users-db-cloud port=5432 user=postgres "
      "passfile=/var/run/postgresql/swarmop.pgpass application_name=users-db-douala",
      "-X",
      "stream",
      "-S",
      "replica_users_db_douala",
      "--checkpoint=fast"};
  EXPECT_EQ(setup.basebackup_args, expected);
  EXPECT_FALSE(Contains(setup.conf, "password="));
}

TEST_F(UsersDb, LayoutMovesEndpointsAndFilesForTests) {
  PostgresLayout layout;
  layout.endpoints["users-db-cloud"] = {"127.0.0.1", 55432};
  layout.config_dir = "/tmp/x";
  layout.passfile = "/tmp/x/pass word";
  PostgresReplicaSetup setup = RenderPostgresReplicaSetup(db, "douala", layout);
  EXPECT_TRUE(Contains(setup.conf, "host=127.0.0.1 port=55432 user=postgres passfile=''/tmp/x/pass word''"))
      << setup.conf;
  EXPECT_TRUE(Contains(setup.conf, "hba_file = '/tmp/x/pg_hba.conf'"));
}

TEST_F(UsersDb, HbaAsksEveryNetworkClientForAScramPassword) {
  std::string hba = RenderPostgresHba(db);
  EXPECT_TRUE(Contains(hba, "local   all          all            peer\n")) << hba;
  EXPECT_TRUE(Contains(hba, "host    replication  all   all      scram-sha-256\n")) << hba;
  EXPECT_FALSE(Contains(hba, "trust"));
}

TEST_F(UsersDb, PhysicalSlotsAreCreatedOnlyWhenMissing) {
  std::string sql = RenderPhysicalSlotSql(db);
  EXPECT_TRUE(Contains(sql,
                       "SELECT pg_create_physical_replication_slot('replica_users_db_douala')\n"
                       "  WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = "
                       "'replica_users_db_douala');\n"))
      << sql;
  EXPECT_TRUE(Contains(sql, "'replica_users_db_yaounde'"));
}

TEST_F(UsersDb, PublicationIsCreatedIfMissingAndItsTablesConverge) {
  std::string sql = RenderPublicationSql(db, "douala");
  EXPECT_TRUE(Contains(sql,
                       "IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'site_writes') THEN\n"
                       "    CREATE PUBLICATION \"site_writes\" FOR TABLE \"accounts_audit\";\n"))
      << sql;
  EXPECT_TRUE(Contains(sql, "ALTER PUBLICATION \"site_writes\" SET TABLE \"accounts_audit\";\n")) << sql;
  EXPECT_FALSE(Contains(RenderPublicationSql(db, "cloud"), "PUBLICATION"));
}

TEST_F(UsersDb, SubscriptionIsNamedPerSiteAndCreatedOutsideATransaction) {
  std::string sql = RenderSubscriptionSql(db, "yaounde");
  EXPECT_TRUE(Contains(
      sql,
      "SELECT 'CREATE SUBSCRIPTION \"sub_users_db_yaounde\" CONNECTION ''host=users-db-yaounde-local "
      "port=5432 user=postgres passfile=/var/run/postgresql/swarmop.pgpass dbname=users_db'' "
      "PUBLICATION \"site_writes\"'\n"
      "  WHERE NOT EXISTS (SELECT 1 FROM pg_subscription WHERE subname = 'sub_users_db_yaounde')\n"
      "\\gexec\n"))
      << sql;
  EXPECT_LT(sql.find("CREATE SUBSCRIPTION"), sql.rfind("DO $"));            // not inside the (last) DO block
  EXPECT_GT(sql.find("CREATE SUBSCRIPTION"), sql.find("END\n$swarmop$;"));  // nor inside the first
}

TEST_F(UsersDb, SubscriptionWaitsForThePublisherToPublishItsTablesBeforeMakingItsSlot) {
  std::string sql = RenderSubscriptionSql(db, "yaounde");
  size_t to_publisher =
      sql.find("\\connect 'host=users-db-yaounde-local port=5432 user=postgres dbname=users_db'\n");
  size_t check = sql.find("FROM pg_publication_tables\n      WHERE pubname IN ('site_writes')) < 1 THEN");
  size_t back = sql.find("\\connect 'host=users-db-cloud port=5432 user=postgres dbname=users_db'\n");
  size_t create = sql.find("CREATE SUBSCRIPTION");
  ASSERT_NE(to_publisher, std::string::npos) << sql;
  ASSERT_NE(check, std::string::npos) << sql;
  ASSERT_NE(back, std::string::npos) << sql;
  EXPECT_LT(to_publisher, check);
  EXPECT_LT(check, back);
  EXPECT_LT(back, create);
  // The job's \\connects use its own passfile (PGPASSFILE): the servers' path is only in their containers.
  EXPECT_EQ(sql.substr(0, create).find("passfile="), std::string::npos) << sql;
}

TEST_F(UsersDb, SubscriptionPicksUpTablesPublishedLaterAndFailsUntilItHasThemAll) {
  std::string sql = RenderSubscriptionSql(db, "douala");
  EXPECT_TRUE(
      Contains(sql, "SELECT 'ALTER SUBSCRIPTION \"sub_users_db_douala\" REFRESH PUBLICATION'\n\\gexec\n"))
      << sql;
  EXPECT_TRUE(Contains(sql, "WHERE s.subname = 'sub_users_db_douala') < 1 THEN\n    RAISE EXCEPTION")) << sql;
}

TEST_F(UsersDb, NamesAreSanitisedIdentifiers) {
  EXPECT_EQ(PostgresDatabaseName(db), "users_db");
  EXPECT_EQ(SubscriptionName(db, "douala"), "sub_users_db_douala");
  crds::Replication odd = db;
  odd.metadata.name = std::string(40, 'a');
  EXPECT_EQ(SubscriptionName(odd, std::string(30, 'B')).size(), 63u);
  EXPECT_EQ(SubscriptionName(odd, "X-1").substr(45), "x_1");
}

TEST_F(UsersDb, QuotesInSpecValuesCannotEscapeTheSql) {
  crds::Replication evil = db;
  evil.spec.logical->publications[0].name = "p'; DROP TABLE x; --";
  evil.spec.logical->publications[0].tables = {"public.t\"x"};
  std::string sql = RenderPublicationSql(evil, "douala");
  EXPECT_TRUE(Contains(sql, "pubname = 'p''; DROP TABLE x; --'")) << sql;
  EXPECT_TRUE(Contains(sql, "CREATE PUBLICATION \"p'; DROP TABLE x; --\" FOR TABLE \"public\".\"t\"\"x\""))
      << sql;
}

TEST_F(UsersDb, ConsumersWriteToThePrimaryAndReadFromTheirSite) {
  PostgresUrls douala = PostgresDatabaseUrls(db, "douala");
  EXPECT_EQ(douala.write_url, "postgres://postgres@users-db-cloud:5432/users_db");
  EXPECT_EQ(douala.read_url, "postgres://postgres@users-db-douala:5432/users_db");
  EXPECT_EQ(douala.local_url, "postgres://postgres@users-db-douala-local:5432/users_db");
  EXPECT_EQ(douala.password_file, "/run/secrets/users-db-password");
  PostgresUrls cloud = PostgresDatabaseUrls(db, "cloud");
  EXPECT_EQ(cloud.read_url, cloud.write_url);
  EXPECT_EQ(cloud.local_url, "");
}

TEST_F(UsersDb, NothingRenderedCarriesAPassword) {
  for (const std::string& text :
       {RenderPostgresPrimaryConf(db), RenderPostgresReplicaSetup(db, "douala").conf, RenderPostgresHba(db),
        RenderPhysicalSlotSql(db), RenderPublicationSql(db, "douala"), RenderSubscriptionSql(db, "douala")}) {
    EXPECT_FALSE(Contains(text, "password=")) << text;
    EXPECT_FALSE(Contains(text, "PASSWORD '")) << text;
  }
}

}  // namespace
}  // namespace swarmop::reconciler
