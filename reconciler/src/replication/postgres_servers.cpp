// Which PostgreSQL servers a Replication runs, and the names derived from it.
#include <algorithm>
#include <cctype>

#include "swarmop/crds/naming.h"
#include "swarmop/reconciler/replication/postgres.h"

namespace swarmop::reconciler {
namespace {

constexpr size_t kMaxIdentifier = 63;  // NAMEDATALEN - 1

// Lowercase letters, digits and '_': safe unquoted in SQL and in conninfo values.
std::string Identifier(std::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (out.size() > kMaxIdentifier) out.resize(kMaxIdentifier);
  return out;
}

bool Publishes(const crds::ReplicationSpec& spec, const std::string& site) {
  if (!spec.logical) return false;
  const auto& pubs = spec.logical->publications;
  return std::any_of(pubs.begin(), pubs.end(), [&](const auto& p) { return p.site == site; });
}

}  // namespace

std::vector<PostgresServer> PostgresServers(const crds::Replication& replication) {
  const crds::ReplicationSpec& spec = replication.spec;
  const std::string& name = replication.name();
  std::vector<PostgresServer> out;
  out.push_back({PostgresRole::kPrimary, spec.primary, crds::SwarmServiceName(name, spec.primary)});
  for (const auto& site : spec.read_replicas) {
    out.push_back({PostgresRole::kReadReplica, site, crds::SwarmServiceName(name, site)});
  }
  std::vector<std::string> writers;
  if (spec.logical) {
    for (const auto& pub : spec.logical->publications) {
      bool seen = std::find(writers.begin(), writers.end(), pub.site) != writers.end();
      if (pub.site != spec.primary && !seen) writers.push_back(pub.site);
    }
  }
  for (const auto& site : writers) {
    out.push_back({PostgresRole::kLocalWriter, site, crds::SwarmServiceName(name, site) + "-local"});
  }
  return out;
}

PostgresLayout::Endpoint PostgresLayout::EndpointOf(const std::string& service_name) const {
  auto it = endpoints.find(service_name);
  return it != endpoints.end() ? it->second : Endpoint{service_name, kPostgresPort};
}

std::string PostgresDatabaseName(const crds::Replication& replication) {
  return Identifier(replication.name());
}

std::string PhysicalSlotName(const crds::Replication& replication, std::string_view replica_site) {
  return Identifier("replica_" + replication.name() + "_" + std::string(replica_site));
}

std::string SubscriptionName(const crds::Replication& replication, std::string_view publisher_site) {
  return Identifier("sub_" + replication.name() + "_" + std::string(publisher_site));
}

// Used by the renderers: the service that publishes for `site` (the primary, or the site's local writer).
std::string PublisherServiceName(const crds::Replication& replication, const std::string& site) {
  for (const auto& server : PostgresServers(replication)) {
    bool writable = server.role != PostgresRole::kReadReplica;
    if (writable && server.site == site) return server.service_name;
  }
  return "";
}

bool SitePublishes(const crds::Replication& replication, const std::string& site) {
  return Publishes(replication.spec, site);
}

}  // namespace swarmop::reconciler
