// Real PostgreSQL 15 servers started from what swarmop renders for the reference `users-db` Replication:
// postgresql.conf, pg_hba.conf, the slot/publication/subscription SQL and the SQL job script (which writes
// the libpq passfile from the "secret" file, as in a Swarm job). Only the instance's port, loopback address
// and socket directory are given on the command line; endpoints and paths come from PostgresLayout.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "postgres_harness.h"
#include "replication/postgres_scripts.h"
#include "swarmop/crds/load.h"
#include "swarmop/reconciler/replication/postgres.h"

namespace swarmop::reconciler {
namespace {

using swarmop::testing::CommandResult;
using swarmop::testing::PostgresHarness;
using swarmop::testing::Quote;
using swarmop::testing::RunAsPostgres;

crds::Replication UsersDb() {
  auto sources = crds::ReadSources({std::string(SWARMOP_SOURCE_DIR) + "/manifests/reference"});
  EXPECT_TRUE(sources.ok());
  crds::LoadResult loaded = crds::LoadSpecs(*sources);
  EXPECT_TRUE(loaded.ok()) << crds::FormatDiagnostics(loaded.errors);
  return *loaded.state.FindReplication("users-db");
}

// RFC 9562 UUIDv7: 48-bit unix milliseconds, version 7, variant 10, random bits. Time-ordered and unique
// without coordination: what the sites use as primary keys so their rows never collide at the subscriber.
std::string UuidV7() {
  static std::mt19937_64 random(std::random_device{}());
  uint64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  unsigned char b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  uint64_t r1 = random(), r2 = random();
  for (int i = 6; i < 16; ++i) b[i] = static_cast<unsigned char>((i < 11 ? r1 : r2) >> (8 * (i % 8)));
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  std::string out;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 15];
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2));  // distinct milliseconds: a readable order
  return out;
}

class RenderedPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    // A missing PostgreSQL is a failure, never a skip: these tests are the proof the SQL works.
    ASSERT_EQ(pg.problem(), "");
    layout.passfile = pg.dir() + "/run/swarmop.pgpass";
    pg.WriteFile(pg.dir() + "/psql-job.sh", replication::PsqlJobScript(layout.passfile));
  }

  int Port(const std::string& service) {
    if (!layout.endpoints.count(service)) layout.endpoints[service] = {"127.0.0.1", pg.FreePort()};
    return layout.endpoints[service].port;
  }
  PostgresLayout LayoutOf(const std::string& service) {
    PostgresLayout out = layout;
    out.config_dir = pg.dir() + "/conf-" + service;
    return out;
  }
  std::string Data(const std::string& service) { return pg.dir() + "/" + service; }

  // Writes the rendered postgresql.conf and pg_hba.conf, starts the server, checks it is up.
  void StartWith(const std::string& service, const std::string& conf) {
    std::string config_dir = LayoutOf(service).config_dir;
    pg.WriteFile(config_dir + "/postgresql.conf", conf);
    pg.WriteFile(config_dir + "/pg_hba.conf", RenderPostgresHba(db));
    CommandResult started = pg.Start(Data(service), config_dir + "/postgresql.conf", Port(service));
    ASSERT_EQ(started.exit_code, 0) << started.output << pg.Log(Data(service));
  }

  // A writable server (primary or local writer), initialised like the image does: password from the
  // secret file, database users_db.
  void StartWritable(const std::string& service) {
    CommandResult init = pg.InitDb(Data(service));
    ASSERT_EQ(init.exit_code, 0) << init.output;
    ASSERT_NO_FATAL_FAILURE(StartWith(service, RenderPostgresPrimaryConf(db, LayoutOf(service))));
    ASSERT_EQ(pg.Sql(Port(service), "postgres", "CREATE DATABASE users_db").exit_code, 0);
  }

  // Runs a rendered SQL file through the rendered job script over TCP with the password (as a Swarm job).
  CommandResult TryJob(const std::string& service, const std::string& name, const std::string& sql) {
    std::string file = pg.dir() + "/" + name;
    pg.WriteFile(file, sql);
    return RunAsPostgres("sh " + Quote(pg.dir() + "/psql-job.sh") + " 127.0.0.1 " +
                             std::to_string(Port(service)) + " users_db " + Quote(file),
                         "SWARMOP_PASSWORD_FILE=" + Quote(pg.password_file()));
  }
  void RunJob(const std::string& service, const std::string& name, const std::string& sql) {
    CommandResult ran = TryJob(service, name, sql);
    ASSERT_EQ(ran.exit_code, 0) << name << ":\n" << sql << "\n" << ran.output;
  }

  void Insert(const std::string& service, const std::string& table, const std::string& site, int count) {
    for (int i = 0; i < count; ++i) {
      std::string sql = "INSERT INTO " + table + " (id, site, action) VALUES ('" + UuidV7() + "', '" + site +
                        "', 'write " + std::to_string(i + 1) + " at " + site + "')";
      ASSERT_EQ(pg.Sql(Port(service), "users_db", sql).exit_code, 0) << sql;
    }
  }

  void Show(const std::string& who, const std::string& service, const std::string& table) {
    std::cout << "--- rows seen by " << who << " (" << service << "):\n"
              << pg.SqlValue(Port(service), "users_db",
                             "SELECT id, site, action FROM " + table + " ORDER BY id")
              << "\n";
  }

  PostgresHarness pg;
  PostgresLayout layout;
  crds::Replication db = UsersDb();
};

constexpr const char* kTable =
    "CREATE TABLE %s (id uuid PRIMARY KEY, site text NOT NULL, action text NOT NULL)";

std::string CreateTable(const std::string& name) {
  std::string sql = kTable;
  return sql.replace(sql.find("%s"), 2, name);
}

TEST_F(RenderedPostgres, StreamingReplicaFollowsThePrimaryThroughItsSlotAndCatchesUpAfterRestart) {
  ASSERT_NO_FATAL_FAILURE(StartWritable("users-db-cloud"));
  int primary = Port("users-db-cloud");
  // Over TCP the rendered pg_hba.conf wants the password: without the passfile a client is refused.
  CommandResult anonymous = RunAsPostgres(pg.Bin("psql") + " -X -h 127.0.0.1 -p " + std::to_string(primary) +
                                              " -U postgres -d postgres -c 'SELECT 1'",
                                          "PGPASSFILE=/dev/null");
  EXPECT_NE(anonymous.exit_code, 0);
  EXPECT_NE(anonymous.output.find("password"), std::string::npos) << anonymous.output;
  ASSERT_NO_FATAL_FAILURE(RunJob("users-db-cloud", "slots.sql", RenderPhysicalSlotSql(db)));
  ASSERT_NO_FATAL_FAILURE(RunJob("users-db-cloud", "slots.sql", RenderPhysicalSlotSql(db)));  // idempotent

  // The replica's first start: base backup over the slot with the rendered arguments, then standby.signal.
  PostgresReplicaSetup setup = RenderPostgresReplicaSetup(db, "douala", LayoutOf("users-db-douala"));
  std::string data = Data("users-db-douala");
  std::string args;
  for (const auto& arg : setup.basebackup_args) args += " " + Quote(arg);
  CommandResult backup =
      RunAsPostgres("mkdir -m 700 " + Quote(data) + " && " + pg.Bin("pg_basebackup") + " -D " + Quote(data) +
                    args + " && touch " + Quote(data + "/" + setup.standby_signal));
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  ASSERT_NO_FATAL_FAILURE(StartWith("users-db-douala", setup.conf));
  int replica = Port("users-db-douala");

  ASSERT_EQ(pg.Sql(primary, "users_db", CreateTable("accounts")).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(Insert("users-db-cloud", "accounts", "cloud", 3));
  EXPECT_EQ(pg.WaitFor(replica, "users_db", "SELECT count(*) FROM accounts", "3"), "3") << pg.Log(data);
  EXPECT_EQ(
      pg.WaitFor(primary, "postgres", "SELECT application_name || ' ' || state FROM pg_stat_replication",
                 "users-db-douala streaming"),
      "users-db-douala streaming");
  EXPECT_EQ(
      pg.SqlValue(primary, "postgres",
                  "SELECT active FROM pg_replication_slots WHERE slot_name = 'replica_users_db_douala'"),
      "t");
  EXPECT_EQ(pg.SqlValue(replica, "postgres", "SELECT pg_is_in_recovery()"), "t");
  CommandResult write =
      pg.Sql(replica, "users_db", "INSERT INTO accounts VALUES (gen_random_uuid(), 'x', 'y')");
  EXPECT_NE(write.output.find("read-only transaction"), std::string::npos) << write.output;
  Show("the streaming replica", "users-db-douala", "accounts");

  // Replica down while the primary writes: its slot keeps the WAL, and it catches up when back.
  ASSERT_EQ(pg.Stop(data).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(Insert("users-db-cloud", "accounts", "cloud", 2));
  EXPECT_EQ(pg.SqlValue(primary, "postgres",
                        "SELECT active::text || ' ' || wal_status FROM pg_replication_slots "
                        "WHERE slot_name = 'replica_users_db_douala'"),
            "false reserved");
  ASSERT_NO_FATAL_FAILURE(StartWith("users-db-douala", setup.conf));
  EXPECT_EQ(pg.WaitFor(replica, "users_db", "SELECT count(*) FROM accounts", "5"), "5") << pg.Log(data);
  Show("the streaming replica after its restart", "users-db-douala", "accounts");
}

TEST_F(RenderedPostgres, SubscriberReceivesEachSitesRowsAndThoseWrittenWhileItWasDown) {
  for (const char* service : {"users-db-cloud", "users-db-douala-local", "users-db-yaounde-local"}) {
    ASSERT_NO_FATAL_FAILURE(StartWritable(service));
    // Schema is not replicated: the application's migrations create the table everywhere.
    ASSERT_EQ(pg.Sql(Port(service), "users_db", CreateTable("accounts_audit")).exit_code, 0);
  }
  // Jobs run in any order: subscribing before the site has published fails (and is retried by Swarm), and
  // makes no slot at the publisher: a slot older than the publication would fail the apply worker for ever
  // on PostgreSQL < 18 ("publication does not exist") once a write came in between.
  CommandResult early =
      TryJob("users-db-cloud", "subscription-yaounde.sql", RenderSubscriptionSql(db, "yaounde", layout));
  EXPECT_NE(early.exit_code, 0);
  EXPECT_NE(early.output.find("does not publish its 1 tables yet"), std::string::npos) << early.output;
  EXPECT_EQ(
      pg.SqlValue(Port("users-db-yaounde-local"), "postgres", "SELECT count(*) FROM pg_replication_slots"),
      "0");
  ASSERT_NO_FATAL_FAILURE(Insert("users-db-yaounde-local", "accounts_audit", "yaounde", 1));  // in between
  for (const char* site : {"douala", "yaounde"}) {
    std::string publisher = std::string("users-db-") + site + "-local";
    std::string pub_sql = RenderPublicationSql(db, site);
    std::string sub_sql = RenderSubscriptionSql(db, site, layout);
    for (int run = 0; run < 2; ++run) {  // a second run changes nothing and does not fail
      ASSERT_NO_FATAL_FAILURE(RunJob(publisher, std::string("publications-") + site + ".sql", pub_sql));
      ASSERT_NO_FATAL_FAILURE(
          RunJob("users-db-cloud", std::string("subscription-") + site + ".sql", sub_sql));
    }
  }
  int cloud = Port("users-db-cloud");
  EXPECT_EQ(
      pg.SqlValue(cloud, "users_db", "SELECT string_agg(subname, ',' ORDER BY subname) FROM pg_subscription"),
      "sub_users_db_douala,sub_users_db_yaounde");

  ASSERT_NO_FATAL_FAILURE(Insert("users-db-douala-local", "accounts_audit", "douala", 2));
  ASSERT_NO_FATAL_FAILURE(Insert("users-db-yaounde-local", "accounts_audit", "yaounde", 2));
  // 5: the row written at yaounde before its subscription came too (the initial copy).
  EXPECT_EQ(pg.WaitFor(cloud, "users_db", "SELECT count(*) FROM accounts_audit", "5"), "5")
      << pg.Log(Data("users-db-cloud"));
  Show("the subscriber", "users-db-cloud", "accounts_audit");

  // The subscriber (the cloud) is cut off; the sites keep writing, their slots keep the changes.
  ASSERT_EQ(pg.Stop(Data("users-db-cloud")).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(Insert("users-db-douala-local", "accounts_audit", "douala", 3));
  ASSERT_NO_FATAL_FAILURE(Insert("users-db-yaounde-local", "accounts_audit", "yaounde", 1));
  EXPECT_EQ(pg.SqlValue(Port("users-db-douala-local"), "postgres",
                        "SELECT active::text || ' ' || wal_status FROM pg_replication_slots "
                        "WHERE slot_name = 'sub_users_db_douala'"),
            "false reserved");
  ASSERT_NO_FATAL_FAILURE(
      StartWith("users-db-cloud", RenderPostgresPrimaryConf(db, LayoutOf("users-db-cloud"))));
  EXPECT_EQ(pg.WaitFor(cloud, "users_db", "SELECT count(*) FROM accounts_audit", "9"), "9")
      << pg.Log(Data("users-db-cloud"));
  EXPECT_EQ(pg.SqlValue(cloud, "users_db",
                        "SELECT string_agg(site || '=' || n, ',' ORDER BY site) FROM "
                        "(SELECT site, count(*) AS n FROM accounts_audit GROUP BY site) s"),
            "douala=5,yaounde=4");
  Show("the subscriber after its restart", "users-db-cloud", "accounts_audit");
}

// The replica's rendered start.sh, run for real: the image's gosu and docker-entrypoint.sh are stand-ins
// (gosu: run the rest; entrypoint: exec postgres on $PGDATA with the instance options), the rest is the
// rendered text: passfile from the secret, base backup over the slot, standby.signal, config_file.
TEST_F(RenderedPostgres, ReplicaStartScriptTakesTheBaseBackupAndStartsAStandby) {
  ASSERT_NO_FATAL_FAILURE(StartWritable("users-db-cloud"));
  int primary = Port("users-db-cloud");
  ASSERT_NO_FATAL_FAILURE(RunJob("users-db-cloud", "slots.sql", RenderPhysicalSlotSql(db)));
  ASSERT_EQ(pg.Sql(primary, "users_db", CreateTable("accounts")).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(Insert("users-db-cloud", "accounts", "cloud", 2));

  int replica = Port("users-db-yaounde");
  PostgresLayout replica_layout = LayoutOf("users-db-yaounde");
  replica_layout.passfile = layout.passfile + ".yaounde";  // only the script writes this one
  PostgresReplicaSetup setup = RenderPostgresReplicaSetup(db, "yaounde", replica_layout);
  std::string conf = replica_layout.config_dir + "/postgresql.conf";
  pg.WriteFile(conf, setup.conf);
  pg.WriteFile(replica_layout.config_dir + "/pg_hba.conf", RenderPostgresHba(db));
  std::string script = pg.dir() + "/start-users-db-yaounde.sh";
  pg.WriteFile(script, replication::PostgresStartScript("users-db-yaounde", replica_layout.passfile, conf,
                                                        setup.basebackup_args));
  std::string bin = pg.dir() + "/fakebin";
  pg.WriteFile(bin + "/gosu", "#!/bin/sh\nshift\nexec \"$@\"\n");
  pg.WriteFile(bin + "/docker-entrypoint.sh",
               "#!/bin/sh\nshift\nexec " + pg.Bin("postgres") + " -D \"$PGDATA\" \"$@\" -p " +
                   std::to_string(replica) +
                   " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + pg.dir() + "\n");
  RunAsPostgres("chmod 755 " + Quote(bin + "/gosu") + " " + Quote(bin + "/docker-entrypoint.sh"));
  std::string data = Data("users-db-yaounde");
  CommandResult started = RunAsPostgres("sh " + Quote(script) + " > " + Quote(data + ".log") + " 2>&1 &",
                                        "PATH=" + Quote(bin) + ":$PATH PGDATA=" + Quote(data) +
                                            " POSTGRES_PASSWORD_FILE=" + Quote(pg.password_file()));
  ASSERT_EQ(started.exit_code, 0) << started.output;
  pg.Adopt(data);

  EXPECT_EQ(pg.WaitFor(replica, "postgres", "SELECT pg_is_in_recovery()", "t", 60), "t") << pg.Log(data);
  EXPECT_EQ(pg.WaitFor(replica, "users_db", "SELECT count(*) FROM accounts", "2"), "2") << pg.Log(data);
  ASSERT_NO_FATAL_FAILURE(Insert("users-db-cloud", "accounts", "cloud", 1));
  EXPECT_EQ(pg.WaitFor(replica, "users_db", "SELECT count(*) FROM accounts", "3"), "3") << pg.Log(data);
  EXPECT_EQ(
      pg.SqlValue(primary, "postgres",
                  "SELECT active FROM pg_replication_slots WHERE slot_name = 'replica_users_db_yaounde'"),
      "t");
  EXPECT_EQ(RunAsPostgres("stat -c %a " + Quote(replica_layout.passfile)).output, "600\n");
  Show("the replica started by its rendered start.sh", "users-db-yaounde", "accounts");
}

}  // namespace
}  // namespace swarmop::reconciler
