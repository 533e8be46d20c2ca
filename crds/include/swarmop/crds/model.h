// The typed model of the three spec kinds (Site, Service, Replication), apiVersion swarmop.io/v1alpha1.
//
// Values here are the *effective* spec: schema defaults applied, the chosen environment's overrides merged in
// (see LoadOptions), units parsed (durations, memory bytes, CPUs). Plain structs: no JSON or YAML types, so
// the reconciler can include this header cheaply. The schemas in crds/*.yaml are the source of truth for
// field names, meanings and defaults; the comments below only say how a field maps.
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swarmop::crds {

inline constexpr std::string_view kApiVersion = "swarmop.io/v1alpha1";

enum class Kind { kSite, kService, kReplication };
// "Site", "Service", "Replication".
const char* KindName(Kind kind);

using StringMap = std::map<std::string, std::string>;
using Duration = std::chrono::nanoseconds;  // Swarm takes nanoseconds; manifests say "10s", "1m30s", "500ms".

// 1-based line and column in the source; 0 when unknown.
struct Position {
  int line = 0;
  int column = 0;
};

struct ObjectMeta {
  std::string name;
  StringMap labels;
  StringMap annotations;
};

// JSON pointer ("/spec/sites/douala/replicas") -> position of that node in the source, packed into one
// string: looked up only to point a diagnostic at a line, it is kept for every loaded object, and as a map
// (a node and a string per pointer) it was most of a stored spec's memory (about 3 KB, against 0.5 KB).
class FieldPositions {
 public:
  FieldPositions() = default;
  explicit FieldPositions(const std::map<std::string, Position>& positions);
  // The position recorded for exactly `pointer`.
  std::optional<Position> Find(std::string_view pointer) const;
  size_t size() const { return count_; }

 private:
  std::string packed_;  // per pointer: its length (uint32), the pointer, line and column (int32 each)
  size_t count_ = 0;
};

// What every loaded object carries besides its spec.
struct ObjectBase {
  ObjectMeta metadata;
  // sha256 (lowercase hex) of the canonical JSON of the effective spec (the `spec` object only): changes
  // exactly when the effective spec changes; key order and comments in the YAML do not matter.
  std::string hash;
  // The canonical document (apiVersion, kind, metadata, effective spec), JSON, sorted keys, no whitespace.
  // Shared like field_positions, and for the same reason: a copy of an object shares it. Null when unknown
  // (an object built by hand): CanonicalJson() is then "".
  std::shared_ptr<const std::string> canonical_json;
  std::string source_file;  // as given in SourceFile::path, e.g. "manifests/app.yaml" or "config:web-spec"
  Position position;        // where the document starts
  // Where each node of the document is, to point diagnostics at the right line; see PositionOf. Shared,
  // never changed after the load: objects are copied often (the spec store, the renderable and the
  // failover-adjusted states). Null when unknown.
  std::shared_ptr<const FieldPositions> field_positions;

  const std::string& name() const { return metadata.name; }
  const std::string& CanonicalJson() const;
  // Position of the node at `json_pointer`, or of its nearest ancestor that has one.
  Position PositionOf(std::string_view json_pointer) const;
};

// ---------------------------------------------------------------------------------------------- Site
enum class SiteRole { kEdge, kCloud };

struct TlsSecrets {
  std::string ca_secret;    // Swarm secret holding the CA certificate
  std::string cert_secret;  // Swarm secret holding the client certificate and key
};

// A site that is its own swarm, reached through its engine endpoint.
struct EngineEndpoint {
  std::string host;  // "tcp://10.20.0.10:2376", "unix:///var/run/docker.sock"
  std::optional<TlsSecrets> tls;
};

struct SiteNetwork {
  bool encrypted = true;  // IPsec-encrypted overlay
  std::string subnet;     // CIDR; empty = let Swarm choose
};

struct SiteSpec {
  SiteRole role = SiteRole::kEdge;
  StringMap node_selector;               // node labels in one stretched swarm (exclusive with engine)
  std::optional<EngineEndpoint> engine;  // the site is a separate swarm (exclusive with node_selector)
  std::string failover;                  // partner site name; empty = none
  SiteNetwork network;
  std::optional<int> managers;  // expected number of managers at the site, if stated
};

struct Site : ObjectBase {
  SiteSpec spec;
};

// ------------------------------------------------------------------------------------------- Service
enum class Profile { kGeneric, kDjangoApi, kFrontend, kKong, kLogstash, kPrometheus };
// "generic", "django-api", ...
const char* ProfileName(Profile profile);

enum class FailoverPolicy { kStay, kTakeover };  // on partner-site failure: stay put, or take over its load

// replicated: sites.<site>.replicas tasks per site; global: one task on every node of each site.
enum class ServiceMode { kReplicated, kGlobal };

struct SitePlacement {
  int replicas = 1;
  std::vector<std::string> constraints;  // extra Swarm constraints at this site ("node.role==worker")
};

struct Placement {
  std::vector<std::string> constraints;
  std::vector<std::string> spread_preferences;  // "node.labels.zone" from preferences: [{spread: ...}]
  std::optional<int> max_replicas_per_node;
};

struct ResourceAmounts {
  std::optional<int64_t> nano_cpus;     // cpus: 0.5 -> 500000000
  std::optional<int64_t> memory_bytes;  // "512Mi" -> 536870912, "1G" -> 1000000000 (Kubernetes units)
};

struct Resources {
  ResourceAmounts limits;
  ResourceAmounts reservations;
};

struct HealthCheck {
  std::string http_path;  // HTTP GET on http_path:port ...
  int port = 0;
  std::vector<std::string> command;  // ... or this command (exec form)
  Duration interval{};
  Duration timeout{};
  int retries = 0;
  Duration start_period{};
};

enum class UpdateOrder { kStopFirst, kStartFirst };
enum class FailureAction { kPause, kContinue, kRollback };  // rollback only for updates

struct UpdatePolicy {
  int parallelism = 1;
  Duration delay{};
  UpdateOrder order = UpdateOrder::kStopFirst;
  FailureAction failure_action = FailureAction::kPause;
  Duration monitor{};
  double max_failure_ratio = 0;
};

enum class RestartCondition { kNone, kOnFailure, kAny };

struct RestartPolicy {
  RestartCondition condition = RestartCondition::kAny;
  Duration delay{};
  int max_attempts = 0;  // 0 = unlimited
  Duration window{};
};

enum class Protocol { kTcp, kUdp };
enum class PublishMode { kIngress, kHost };

// How other services reach the per-site services: a virtual IP, or DNS round robin over the task IPs.
enum class EndpointMode { kVip, kDnsrr };

struct PortMapping {
  int published = 0;
  int target = 0;
  Protocol protocol = Protocol::kTcp;
  PublishMode mode = PublishMode::kIngress;
};

// A file mounted from a Swarm config: inline content (swarmop creates a content-addressed config) or an
// existing config named by `from`. Exactly one of content/from is set.
struct ConfigFile {
  std::string name;    // logical name; empty = derived from target
  std::string target;  // absolute path in the container
  std::optional<std::string> content;
  std::optional<std::string> from;
};

struct SecretRef {
  std::string name;
  std::string target;  // empty = /run/secrets/<name>
};

// A mount of the tasks: a named Docker volume (created on each node that runs a task, and kept), or a tmpfs.
struct VolumeMount {
  enum class Type { kVolume, kTmpfs };
  Type type = Type::kVolume;
  std::string source;  // volume name (kVolume)
  std::string target;  // absolute path in the container
  bool read_only = false;
  std::optional<int64_t> size_bytes;  // tmpfs size limit ("64Mi" -> 67108864); unset = the engine's default
};

// The tasks' Docker log driver (TaskTemplate.LogDriver).
struct Logging {
  std::string driver;  // "gelf", "json-file", ...
  StringMap options;   // numbers and booleans already turned into strings
};

struct Expose {
  int port = 0;
  std::vector<std::string> paths;
  std::vector<std::string> hosts;
};

// A plugin of the kong profile's gateway.
struct KongPlugin {
  std::string name;         // "rate-limiting"
  std::string config_json;  // its config object as compact JSON with sorted keys; empty = none given
  std::string service;      // an exposed Service it applies to; empty = every route
};

struct KongSettings {
  std::vector<KongPlugin> plugins;
};

struct LogstashSettings {
  std::string elasticsearch;       // URL of Elasticsearch
  std::string credentials_secret;  // Swarm secret with the writer's credentials
};

struct ServiceSpec {
  Profile profile = Profile::kGeneric;
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> args;
  StringMap env;  // environment overrides already merged
  ServiceMode mode = ServiceMode::kReplicated;
  std::map<std::string, SitePlacement> sites;  // site name -> replicas there
  Placement placement;
  Resources resources;
  std::optional<HealthCheck> healthcheck;
  UpdatePolicy update;
  UpdatePolicy rollback;
  RestartPolicy restart;
  std::vector<PortMapping> ports;
  std::optional<EndpointMode> endpoint_mode;  // unset = Swarm's default (vip)
  std::vector<VolumeMount> volumes;
  std::optional<Logging> logging;  // unset = the engine's default log driver
  std::vector<ConfigFile> configs;
  std::vector<SecretRef> secrets;
  std::vector<std::string> networks;
  std::vector<std::string> depends_on;  // names of Services or Replications
  std::string database_replication;     // database.replication; empty = none
  std::optional<Expose> expose;
  std::optional<KongSettings> kong;
  std::optional<LogstashSettings> logstash;
  FailoverPolicy failover = FailoverPolicy::kStay;
  StringMap labels;  // labels for the Swarm services
};

struct Service : ObjectBase {
  ServiceSpec spec;
};

// --------------------------------------------------------------------------------------- Replication
enum class DatabaseEngine { kMongoDb, kPostgreSql };

struct MongoMember {
  std::string site;
  int priority = 1;  // 0..1000
  int votes = 1;     // 0 or 1
  bool hidden = false;
  StringMap tags;
};

struct Publication {
  std::string name;
  std::string site;
  std::vector<std::string> tables;
};

struct LogicalReplication {
  std::vector<Publication> publications;
  std::string subscriber;  // site that subscribes to every publication
};

struct ReplicationSpec {
  DatabaseEngine engine = DatabaseEngine::kPostgreSql;
  std::string image;
  std::string storage_volume;  // storage.volume; empty = none
  std::string password_secret;
  // postgresql
  std::string primary;
  std::vector<std::string> read_replicas;
  std::optional<LogicalReplication> logical;
  std::string wal_keep_size = "-1";  // max_slot_wal_keep_size, verbatim ("10GB", "-1" = unlimited)
  // mongodb
  std::string replica_set;
  std::string key_file_secret;
  std::vector<MongoMember> members;
};

struct Replication : ObjectBase {
  ReplicationSpec spec;
};

// ----------------------------------------------------------------------------------- DesiredState
// Every spec swarmop should converge, from all files/configs together.
struct DesiredState {
  std::vector<Site> sites;
  std::vector<Service> services;
  std::vector<Replication> replications;

  const Site* FindSite(std::string_view name) const;
  const Service* FindService(std::string_view name) const;
  const Replication* FindReplication(std::string_view name) const;
};

}  // namespace swarmop::crds
