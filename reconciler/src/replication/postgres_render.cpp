// A PostgreSQL Replication -> primary, read replicas and local writers as services; slot, publication and
// subscription SQL as jobs.
#include "postgres_render.h"

#include "member_service.h"
#include "postgres_internal.h"
#include "postgres_scripts.h"
#include "swarmop/reconciler/replication/postgres.h"

namespace swarmop::reconciler::replication {
namespace {

constexpr const char* kDataDir = "/var/lib/postgresql/data";
// A subdirectory of the volume: initdb refuses a non-empty directory (lost+found on some volume drivers).
constexpr const char* kPgData = "/var/lib/postgresql/data/pgdata";

std::string SecretPath(const crds::Replication& r) { return "/run/secrets/" + r.spec.password_secret; }

std::string ConfOf(const crds::Replication& r, const PostgresServer& server, const PostgresLayout& layout) {
  if (server.role == PostgresRole::kReadReplica)
    return RenderPostgresReplicaSetup(r, server.site, layout).conf;
  return RenderPostgresPrimaryConf(r, layout);
}

Status RenderServer(const crds::DesiredState& desired, const crds::Replication& r,
                    const PostgresServer& server, RenderedState& out) {
  auto site = SiteOf(desired, r, server.site);
  if (!site.ok()) return site.status();
  auto service = DatabaseService(r, **site, server.service_name);
  if (!service.ok()) return service.status();
  PostgresLayout layout;
  layout.config_dir = kConfigDir;
  engine::ContainerSpec& container = service->spec.task_template.container_spec;
  std::string conf = MountConfig(r, "postgresql.conf", ConfOf(r, server, layout), container, out);
  MountConfig(r, "pg_hba.conf", RenderPostgresHba(r), container, out);
  std::vector<std::string> basebackup;
  if (server.role == PostgresRole::kReadReplica) {
    basebackup = RenderPostgresReplicaSetup(r, server.site, layout).basebackup_args;
  }
  std::string start =
      MountConfig(r, "start.sh", PostgresStartScript(server.service_name, layout.passfile, conf, basebackup),
                  container, out);
  container.command = {"sh", start};
  container.env = {"PGDATA=" + std::string(kPgData), "POSTGRES_DB=" + PostgresDatabaseName(r),
                   "POSTGRES_PASSWORD_FILE=" + SecretPath(r)};
  MountSecret(r.spec.password_secret, container);
  std::string volume_suffix = server.site + (server.role == PostgresRole::kLocalWriter ? "-local" : "");
  MountData(r, volume_suffix, kDataDir, *service, out);
  out.services.push_back(std::move(*service));
  return Status::Ok();
}

// A job at `site` running `sql` (mounted as `sql_file`) against the server `target`.
Status RenderSqlJob(const crds::DesiredState& desired, const crds::Replication& r,
                    const std::string& job_name, const std::string& site_name, const std::string& target,
                    const std::string& sql_file, const std::string& sql, RenderedState& out) {
  auto site = SiteOf(desired, r, site_name);
  if (!site.ok()) return site.status();
  auto job = DatabaseJob(r, **site, job_name);
  if (!job.ok()) return job.status();
  PostgresLayout layout;
  engine::ContainerSpec& container = job->spec.task_template.container_spec;
  std::string sql_path = MountConfig(r, sql_file, sql, container, out);
  std::string script = MountConfig(r, "psql-job.sh", PsqlJobScript("/tmp/swarmop.pgpass"), container, out);
  container.command = {"sh", script};
  container.args = {target, std::to_string(kPostgresPort), PostgresDatabaseName(r), sql_path};
  container.env = {"SWARMOP_PASSWORD_FILE=" + SecretPath(r)};
  MountSecret(r.spec.password_secret, container);
  out.services.push_back(std::move(*job));
  return Status::Ok();
}

std::vector<std::string> PublishingSites(const crds::Replication& r) {
  std::vector<std::string> sites;
  if (!r.spec.logical) return sites;
  for (const auto& pub : r.spec.logical->publications) {
    if (std::find(sites.begin(), sites.end(), pub.site) == sites.end()) sites.push_back(pub.site);
  }
  return sites;
}

Status RenderLogicalJobs(const crds::DesiredState& desired, const crds::Replication& r, RenderedState& out) {
  const std::string& subscriber = r.spec.logical->subscriber;
  std::string subscriber_server = PublisherServiceName(r, subscriber);
  if (subscriber_server.empty()) {
    return InvalidArgumentError("logical.subscriber \"" + subscriber +
                                "\" has no writable server: it must be the primary or a publishing site");
  }
  for (const auto& site : PublishingSites(r)) {
    if (site == subscriber) continue;  // a server does not subscribe to itself
    SWARMOP_RETURN_IF_ERROR(RenderSqlJob(desired, r, r.name() + "-publish-" + site, site,
                                         PublisherServiceName(r, site), "publications-" + site + ".sql",
                                         RenderPublicationSql(r, site), out));
    SWARMOP_RETURN_IF_ERROR(RenderSqlJob(desired, r, r.name() + "-subscribe-" + site, subscriber,
                                         subscriber_server, "subscription-" + site + ".sql",
                                         RenderSubscriptionSql(r, site), out));
  }
  return Status::Ok();
}

}  // namespace

Status RenderPostgresReplication(const crds::DesiredState& desired, const crds::Replication& replication,
                                 RenderedState& out) {
  if (replication.spec.password_secret.empty()) {
    return InvalidArgumentError(
        "passwordSecret is required to render engine postgresql (the servers' and "
        "replication password)");
  }
  for (const auto& server : PostgresServers(replication)) {
    SWARMOP_RETURN_IF_ERROR(RenderServer(desired, replication, server, out));
  }
  if (!replication.spec.read_replicas.empty()) {
    const std::string& primary = replication.spec.primary;
    SWARMOP_RETURN_IF_ERROR(RenderSqlJob(desired, replication, replication.name() + "-slots", primary,
                                         PostgresServers(replication).front().service_name, "slots.sql",
                                         RenderPhysicalSlotSql(replication), out));
  }
  if (replication.spec.logical) SWARMOP_RETURN_IF_ERROR(RenderLogicalJobs(desired, replication, out));
  return Status::Ok();
}

}  // namespace swarmop::reconciler::replication
