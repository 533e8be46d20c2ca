// Connection URLs a consumer of a PostgreSQL Replication uses: write to the primary, read locally.
#include "postgres_internal.h"

namespace swarmop::reconciler {
namespace {

std::string Url(const std::string& service_name, const crds::Replication& replication) {
  return "postgres://" + std::string(kPostgresUser) + "@" + service_name + ":" +
         std::to_string(kPostgresPort) + "/" + PostgresDatabaseName(replication);
}

}  // namespace

PostgresUrls PostgresDatabaseUrls(const crds::Replication& replication, std::string_view consumer_site) {
  PostgresUrls urls;
  std::vector<PostgresServer> servers = PostgresServers(replication);
  urls.write_url = Url(servers.front().service_name, replication);
  urls.read_url = urls.write_url;  // no replica at the consumer's site: read from the primary
  for (const auto& server : servers) {
    if (server.site != consumer_site) continue;
    if (server.role == PostgresRole::kReadReplica) urls.read_url = Url(server.service_name, replication);
    if (server.role == PostgresRole::kLocalWriter) urls.local_url = Url(server.service_name, replication);
  }
  if (!replication.spec.password_secret.empty()) {
    urls.password_file = "/run/secrets/" + replication.spec.password_secret;
  }
  return urls;
}

}  // namespace swarmop::reconciler
