// The replication renderer and the django-api profile over the reference estate (manifests/reference).
#include <gtest/gtest.h>

#include <algorithm>

#include "replication_fixtures.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/replication/postgres.h"
#include "swarmop/reconciler/replication/replication.h"

namespace swarmop::reconciler {
namespace {

using testing::Find;
using testing::ReferenceEstate;

RenderedState RenderWith(const crds::DesiredState& estate, ReplicationObserver observer = {}) {
  RenderOptions options;
  UseReplicationRendering(options, std::move(observer));
  auto rendered = Render(estate, options);
  EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
  return rendered.ok() ? *rendered : RenderedState{};
}

std::vector<std::string> NamesOwnedBy(const RenderedState& out, const std::string& replication) {
  std::vector<std::string> names;
  for (const auto& s : out.services) {
    if (s.owner == Owner{"Replication", replication}) names.push_back(s.spec.name);
  }
  return names;
}

const DesiredService& ServiceNamed(const RenderedState& out, const std::string& name) {
  static const DesiredService kNone;
  const DesiredService* found = out.FindService(name);
  EXPECT_NE(found, nullptr) << name;
  return found != nullptr ? *found : kNone;
}

// The data of the config a container mounts at `path`.
std::string MountedConfig(const RenderedState& out, const DesiredService& service, const std::string& path) {
  for (const auto& ref : service.spec.task_template.container_spec.configs) {
    if (ref.file.name != path) continue;
    for (const auto& config : out.configs) {
      if (config.spec.name == ref.config_name) return config.spec.data;
    }
  }
  ADD_FAILURE() << service.spec.name << " mounts no config at " << path;
  return "";
}

bool HasEnv(const DesiredService& service, const std::string& entry) {
  const auto& env = service.spec.task_template.container_spec.env;
  return std::find(env.begin(), env.end(), entry) != env.end();
}

class ReferenceRender : public ::testing::Test {
 protected:
  crds::DesiredState estate = ReferenceEstate();
};

TEST_F(ReferenceRender, MongoMembersArePinnedToTheirSiteWithTheirOwnVolumeAndTheKeyFileByName) {
  RenderedState out = RenderWith(estate);
  const DesiredService& cloud = ServiceNamed(out, "sessions-db-cloud");
  const auto& container = cloud.spec.task_template.container_spec;
  EXPECT_EQ(container.image, "mongo:7.0");
  std::vector<std::string> args{"mongod",        "--replSet", "rs0",
                                "--bind_ip_all", "--keyFile", "/run/secrets/sessions-db-keyfile"};
  EXPECT_EQ(container.args, args);
  EXPECT_EQ(cloud.spec.task_template.placement.constraints,
            std::vector<std::string>{"node.labels.site==cloud"});
  ASSERT_EQ(container.mounts.size(), 1u);
  EXPECT_EQ(container.mounts[0].source, "sessions-mongo-data-cloud");
  EXPECT_EQ(container.mounts[0].target, "/data/db");
  ASSERT_EQ(container.secrets.size(), 1u);
  EXPECT_EQ(container.secrets[0].secret_name, "sessions-db-keyfile");
  EXPECT_EQ(container.secrets[0].file.mode, 0400u);
  EXPECT_EQ(cloud.spec.mode.replicas, 1u);
  EXPECT_EQ(cloud.spec.endpoint_spec->mode, "dnsrr");
  EXPECT_EQ(cloud.spec.labels.at(labels::kOwnerKind), "Replication");
  EXPECT_EQ(cloud.spec.labels.at(labels::kSite), "cloud");
  EXPECT_EQ(cloud.site, "cloud");
}

TEST_F(ReferenceRender, UninitiatedReplicaSetGetsAllMembersAndOneInitiateJob) {
  RenderedState out = RenderWith(estate);
  std::vector<std::string> expected{"sessions-db-cloud", "sessions-db-douala", "sessions-db-yaounde",
                                    "sessions-db-init"};
  EXPECT_EQ(NamesOwnedBy(out, "sessions-db"), expected);
  const DesiredService& job = ServiceNamed(out, "sessions-db-init");
  EXPECT_EQ(job.spec.mode.kind, engine::ServiceMode::Kind::kReplicatedJob);
  EXPECT_EQ(job.spec.mode.total_completions, 1u);
  EXPECT_EQ(job.spec.task_template.restart_policy->condition, "on-failure");
  EXPECT_EQ(MountedConfig(out, job, "/etc/swarmop/rs-config-v1.json"),
            RenderMongoReplicaSetConfig(Find(estate, "sessions-db"), 1));
  EXPECT_NE(MountedConfig(out, job, "/etc/swarmop/rs-initiate.js").find("replSetInitiate"),
            std::string::npos);
}

TEST_F(ReferenceRender, ConvergedReplicaSetKeepsOnlyTheJobThatAppliedTheRunningConfig) {
  MongoReplicaSetConfig running = MongoConfigOf(Find(estate, "sessions-db"), 12);
  RenderedState out = RenderWith(estate, [&](const std::string&) { return ReplicationObservation{running}; });
  std::vector<std::string> expected{"sessions-db-cloud", "sessions-db-douala", "sessions-db-yaounde",
                                    "sessions-db-reconfig-v12"};
  EXPECT_EQ(NamesOwnedBy(out, "sessions-db"), expected);
  // Byte for byte the config it applied, so the kept job is never changed (and never rerun).
  EXPECT_EQ(
      MountedConfig(out, ServiceNamed(out, "sessions-db-reconfig-v12"), "/etc/swarmop/rs-config-v12.json"),
      MongoConfigJson(running));
}

TEST_F(ReferenceRender, AnObservedVersion1IsKeptAsTheInitiateJob) {
  MongoReplicaSetConfig running = MongoConfigOf(Find(estate, "sessions-db"), 1);
  RenderedState plain = RenderWith(estate);
  RenderedState out = RenderWith(estate, [&](const std::string&) { return ReplicationObservation{running}; });
  std::vector<std::string> expected{"sessions-db-cloud", "sessions-db-douala", "sessions-db-yaounde",
                                    "sessions-db-init"};
  EXPECT_EQ(NamesOwnedBy(out, "sessions-db"), expected);
  // Once the init job completed, observing it renders exactly the job that was applied.
  EXPECT_EQ(ServiceNamed(out, "sessions-db-init").spec, ServiceNamed(plain, "sessions-db-init").spec);
}

TEST_F(ReferenceRender, AnObservedConfigRoundTripsThroughItsJson) {
  MongoReplicaSetConfig running = MongoConfigOf(Find(estate, "sessions-db"), 4);
  auto parsed = ParseMongoConfigJson(MongoConfigJson(running));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, running);
  EXPECT_EQ(MongoConfigJson(*parsed), MongoConfigJson(running));
}

TEST_F(ReferenceRender, ScaleUpStartsTheNextMemberWithItsReconfigJobOnly) {
  MongoReplicaSetConfig running = MongoConfigOf(Find(estate, "sessions-db"), 3);
  running.members.resize(1);  // only cloud runs
  RenderedState out = RenderWith(estate, [&](const std::string&) { return ReplicationObservation{running}; });
  std::vector<std::string> expected{"sessions-db-cloud", "sessions-db-douala", "sessions-db-reconfig-v3",
                                    "sessions-db-reconfig-v4"};
  EXPECT_EQ(NamesOwnedBy(out, "sessions-db"), expected);
  auto config = ParseMongoConfigJson(
      MountedConfig(out, ServiceNamed(out, "sessions-db-reconfig-v4"), "/etc/swarmop/rs-config-v4.json"));
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->members.size(), 2u);
}

TEST_F(ReferenceRender, ScaleDownKeepsTheLeavingMemberUntilItsRemovalIsObserved) {
  crds::DesiredState smaller = estate;
  crds::Replication* db = const_cast<crds::Replication*>(smaller.FindReplication("sessions-db"));
  MongoReplicaSetConfig running = MongoConfigOf(*db, 5);
  db->spec.members = {db->spec.members[0]};
  RenderedState out =
      RenderWith(smaller, [&](const std::string&) { return ReplicationObservation{running}; });
  std::vector<std::string> expected{"sessions-db-cloud", "sessions-db-douala", "sessions-db-yaounde",
                                    "sessions-db-reconfig-v5", "sessions-db-reconfig-v6"};
  EXPECT_EQ(NamesOwnedBy(out, "sessions-db"), expected);
}

TEST_F(ReferenceRender, PostgresServersAndSqlJobs) {
  RenderedState out = RenderWith(estate);
  std::vector<std::string> expected{"users-db-cloud",           "users-db-douala",
                                    "users-db-yaounde",         "users-db-douala-local",
                                    "users-db-yaounde-local",   "users-db-slots",
                                    "users-db-publish-douala",  "users-db-subscribe-douala",
                                    "users-db-publish-yaounde", "users-db-subscribe-yaounde"};
  EXPECT_EQ(NamesOwnedBy(out, "users-db"), expected);
  const DesiredService& replica = ServiceNamed(out, "users-db-douala");
  EXPECT_EQ(replica.spec.task_template.container_spec.mounts[0].source, "users-pg-data-douala");
  EXPECT_EQ(ServiceNamed(out, "users-db-douala-local").spec.task_template.container_spec.mounts[0].source,
            "users-pg-data-douala-local");
  EXPECT_EQ(MountedConfig(out, replica, "/etc/swarmop/postgresql.conf"),
            RenderPostgresReplicaSetup(Find(estate, "users-db"), "douala").conf);
  EXPECT_NE(MountedConfig(out, replica, "/etc/swarmop/start.sh").find("pg_basebackup"), std::string::npos);
  const DesiredService& subscribe = ServiceNamed(out, "users-db-subscribe-douala");
  EXPECT_EQ(subscribe.site, "cloud");
  EXPECT_EQ(subscribe.spec.task_template.container_spec.args[0], "users-db-cloud");
  EXPECT_EQ(MountedConfig(out, subscribe, "/etc/swarmop/subscription-douala.sql"),
            RenderSubscriptionSql(Find(estate, "users-db"), "douala"));
}

TEST_F(ReferenceRender, PasswordsAreOnlyEverSecretsReferencedByName) {
  RenderedState out = RenderWith(estate);
  for (const auto& service : out.services) {
    for (const auto& env : service.spec.task_template.container_spec.env) {
      std::string key = env.substr(0, env.find('='));
      bool names_a_secret =
          key.find("PASSWORD") != std::string::npos || key.find("SECRET") != std::string::npos;
      if (names_a_secret) {
        EXPECT_TRUE(key.size() > 5 && key.substr(key.size() - 5) == "_FILE")
            << service.spec.name << ": " << env;
        EXPECT_EQ(env.find("=/run/secrets/"), key.size()) << service.spec.name << ": " << env;
      }
    }
    for (const auto& [key, value] : service.spec.labels) EXPECT_EQ(key.find("password"), std::string::npos);
  }
}

TEST_F(ReferenceRender, DjangoApiReadsFromItsSiteAndWritesToThePrimary) {
  RenderedState out = RenderWith(estate);
  const DesiredService& douala = ServiceNamed(out, "identity-api-douala");
  EXPECT_TRUE(HasEnv(douala, "DATABASE_URL=postgres://postgres@users-db-cloud:5432/users_db"));
  EXPECT_TRUE(HasEnv(douala, "DATABASE_READ_URL=postgres://postgres@users-db-douala:5432/users_db"));
  EXPECT_TRUE(HasEnv(douala, "DATABASE_LOCAL_URL=postgres://postgres@users-db-douala-local:5432/users_db"));
  EXPECT_TRUE(HasEnv(douala, "DATABASE_PASSWORD_FILE=/run/secrets/users-db-password"));
  EXPECT_TRUE(HasEnv(douala, "SITE_ID=douala"));
  EXPECT_TRUE(HasEnv(douala, "DJANGO_SETTINGS_MODULE=identity.settings.production"));
  const auto& secrets = douala.spec.task_template.container_spec.secrets;
  EXPECT_TRUE(std::any_of(secrets.begin(), secrets.end(),
                          [](const auto& s) { return s.secret_name == "users-db-password"; }));
  const DesiredService& cloud = ServiceNamed(out, "identity-api-cloud");
  EXPECT_TRUE(HasEnv(cloud, "DATABASE_READ_URL=postgres://postgres@users-db-cloud:5432/users_db"));
  EXPECT_TRUE(HasEnv(cloud, "SITE_ID=cloud"));
}

TEST_F(ReferenceRender, DjangoApiEnvStaysSortedAndTheServicesOwnSettingWins) {
  crds::Service* api = const_cast<crds::Service*>(estate.FindService("identity-api"));
  api->spec.env["SITE_ID"] = "dla";
  RenderedState out = RenderWith(estate);
  const DesiredService& douala = ServiceNamed(out, "identity-api-douala");
  EXPECT_TRUE(HasEnv(douala, "SITE_ID=dla"));
  EXPECT_FALSE(HasEnv(douala, "SITE_ID=douala"));
  const auto& env = douala.spec.task_template.container_spec.env;
  EXPECT_TRUE(std::is_sorted(env.begin(), env.end()));
}

TEST_F(ReferenceRender, DjangoApiOnMongoGetsTheConnectionStringForItsSite) {
  crds::Service* api = const_cast<crds::Service*>(estate.FindService("identity-api"));
  api->spec.database_replication = "sessions-db";
  RenderedState out = RenderWith(estate);
  EXPECT_TRUE(HasEnv(ServiceNamed(out, "identity-api-yaounde"),
                     "DATABASE_URL=" + MongoConnectionString(Find(estate, "sessions-db"), "yaounde")));
}

TEST_F(ReferenceRender, RenderingTwiceGivesTheSameObjects) {
  RenderedState first = RenderWith(estate);
  RenderedState second = RenderWith(estate);
  ASSERT_EQ(first.services.size(), second.services.size());
  for (size_t i = 0; i < first.services.size(); ++i)
    EXPECT_EQ(first.services[i].spec, second.services[i].spec);
  ASSERT_EQ(first.configs.size(), second.configs.size());
  for (size_t i = 0; i < first.configs.size(); ++i)
    EXPECT_EQ(first.configs[i].spec.name, second.configs[i].spec.name);
}

TEST_F(ReferenceRender, ConfigsAreContentAddressedAndOwnedByTheReplication) {
  RenderedState out = RenderWith(estate);
  for (const auto& config : out.configs) {
    if (config.owner.kind != "Replication") continue;
    EXPECT_EQ(config.spec.name.substr(0, config.owner.name.size()), config.owner.name);
    EXPECT_LE(config.spec.name.size(), 64u);
    EXPECT_EQ(config.spec.labels.at(labels::kManagedBy), "swarmop");
  }
}

TEST_F(ReferenceRender, PostgresWithoutAPasswordSecretIsAClearError) {
  const_cast<crds::Replication*>(estate.FindReplication("users-db"))->spec.password_secret.clear();
  RenderOptions options;
  UseReplicationRendering(options);
  auto rendered = Render(estate, options);
  ASSERT_FALSE(rendered.ok());
  EXPECT_NE(rendered.status().message().find("Replication users-db: passwordSecret is required"),
            std::string::npos)
      << rendered.status().ToString();
}

TEST_F(ReferenceRender, NoVolumeIsAWarningNotAnError) {
  const_cast<crds::Replication*>(estate.FindReplication("sessions-db"))->spec.storage_volume.clear();
  RenderedState out = RenderWith(estate);
  EXPECT_TRUE(ServiceNamed(out, "sessions-db-cloud").spec.task_template.container_spec.mounts.empty());
  EXPECT_TRUE(std::any_of(out.warnings.begin(), out.warnings.end(), [](const std::string& w) {
    return w.find("sessions-db-cloud keeps its data only as long as its task") != std::string::npos;
  }));
}

}  // namespace
}  // namespace swarmop::reconciler
