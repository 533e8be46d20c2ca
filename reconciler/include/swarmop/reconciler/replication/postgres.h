// PostgreSQL across sites: the configuration files and SQL a PostgreSQL Replication implies.
//
// Servers (one Swarm service each, see PostgresServers):
//   - the primary at spec.primary: "<replication>-<primary site>", writable, wal_level logical;
//   - a streaming read replica at each spec.readReplicas site: "<replication>-<site>" (physical standby:
//     standby.signal, primary_conninfo, its own physical replication slot on the primary, initial
//     pg_basebackup);
//   - a writable "local" server "<replication>-<site>-local" at each site that publishes (logical) and is not
//     the primary: a read replica is read-only, so local writes need a server of their own. The subscriber
//     (spec.logical.subscriber) subscribes to each site's publication; the subscription, and so the
//     publisher's logical slot, is named per site: "sub_<replication>_<site>" (sanitised).
// Every file here is text swarmop ships as a content-addressed Swarm config; the integration tests start real
// servers from the same text. No password appears in any of it: libpq reads it from `passfile`, which the
// container's start script writes (mode 0600) from the Swarm secret spec.passwordSecret.
// Thread-safety: pure functions over values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "swarmop/crds/model.h"

namespace swarmop::reconciler {

inline constexpr int kPostgresPort = 5432;
inline constexpr const char* kPostgresUser = "postgres";  // the image's superuser; password from the secret

enum class PostgresRole { kPrimary, kReadReplica, kLocalWriter };

struct PostgresServer {
  PostgresRole role = PostgresRole::kPrimary;
  std::string site;
  std::string service_name;  // Swarm service name, also its DNS name on the overlay networks
  bool operator==(const PostgresServer&) const = default;
};

// Primary first, then read replicas, then local writers, each in spec order.
std::vector<PostgresServer> PostgresServers(const crds::Replication& replication);

// Where servers listen and where files live inside a container. The defaults are Swarm's; tests change them
// to run several servers on one host.
struct PostgresLayout {
  struct Endpoint {
    std::string host;
    int port = kPostgresPort;
  };
  std::map<std::string, Endpoint> endpoints;  // by service name; missing: {service name, 5432}
  std::string config_dir = "/etc/swarmop";    // where the rendered configs are mounted
  std::string passfile = "/var/run/postgresql/swarmop.pgpass";  // written from the secret at start

  Endpoint EndpointOf(const std::string& service_name) const;
};

// The database applications use: the replication's name with '-' as '_' ("users-db" -> "users_db").
std::string PostgresDatabaseName(const crds::Replication& replication);
// Lowercase [a-z0-9_] identifiers, at most 63 bytes (NAMEDATALEN - 1).
std::string PhysicalSlotName(const crds::Replication& replication, std::string_view replica_site);
std::string SubscriptionName(const crds::Replication& replication, std::string_view publisher_site);

// postgresql.conf of a writable server (primary or local writer): listen on all addresses, logical WAL,
// senders and slots for the replicas and subscriptions, max_slot_wal_keep_size = spec.walKeepSize, hba_file
// in layout.config_dir.
std::string RenderPostgresPrimaryConf(const crds::Replication& replication,
                                      const PostgresLayout& layout = {});

// What a streaming read replica at `site` needs.
struct PostgresReplicaSetup {
  std::string conf;            // postgresql.conf: hot_standby, primary_conninfo (passfile), primary_slot_name
  std::string standby_signal;  // file name created (empty) in the data directory: "standby.signal"
  std::string slot_name;       // physical slot on the primary (see RenderPhysicalSlotSql)
  // pg_basebackup arguments (after the program name) for the first start; the caller appends
  // "-D <data dir>". No -R: it would write the password it found into postgresql.auto.conf.
  std::vector<std::string> basebackup_args;
};
PostgresReplicaSetup RenderPostgresReplicaSetup(const crds::Replication& replication, std::string_view site,
                                                const PostgresLayout& layout = {});

// pg_hba.conf of every server: local peer, and scram-sha-256 over the network (replication included).
std::string RenderPostgresHba(const crds::Replication& replication);

// Idempotent SQL run on the primary: one physical slot per read replica (kept WAL follows walKeepSize).
std::string RenderPhysicalSlotSql(const crds::Replication& replication);

// Idempotent SQL run on the publishing server of `site`: every publication declared for that site, created
// when missing and its table list set (so edits to the table list converge).
std::string RenderPublicationSql(const crds::Replication& replication, std::string_view site);

// Idempotent SQL (psql: uses \gexec, since CREATE SUBSCRIPTION cannot run in a DO block) run on the
// subscriber: one subscription named SubscriptionName(publisher_site) to the publications of that site.
std::string RenderSubscriptionSql(const crds::Replication& replication, std::string_view publisher_site,
                                  const PostgresLayout& layout = {});

// Connection URLs for a consumer at `consumer_site` (no password: read it from `password_file`).
struct PostgresUrls {
  std::string write_url;      // the primary
  std::string read_url;       // the consumer site's read replica, else the primary
  std::string local_url;      // the site's local writer when the site publishes, else empty
  std::string password_file;  // "/run/secrets/<passwordSecret>", empty without a secret
};
PostgresUrls PostgresDatabaseUrls(const crds::Replication& replication, std::string_view consumer_site);

}  // namespace swarmop::reconciler
