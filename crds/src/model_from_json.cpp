#include "model_from_json.h"

#include <cmath>

#include "units.h"

namespace swarmop::crds::internal {
namespace {

using nlohmann::json;

std::string Str(const json& o, const char* key, std::string fallback = "") {
  return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : fallback;
}

int Int(const json& o, const char* key, int fallback = 0) {
  return o.contains(key) && o[key].is_number() ? o[key].get<int>() : fallback;
}

std::vector<std::string> Strings(const json& o, const char* key) {
  std::vector<std::string> out;
  if (o.contains(key)) {
    for (const json& v : o[key]) out.push_back(v.get<std::string>());
  }
  return out;
}

// Env values may be numbers or booleans in YAML; containers only see strings.
std::string ScalarText(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

StringMap Map(const json& o, const char* key) {
  StringMap out;
  if (o.contains(key)) {
    for (const auto& [k, v] : o[key].items()) out[k] = ScalarText(v);
  }
  return out;
}

Duration Dur(const json& o, const char* key) {
  return o.contains(key) ? ParseDuration(o[key].get<std::string>()).value_or(Duration{}) : Duration{};
}

const json& Member(const json& o, const char* key) {
  static const json kEmpty = json::object();
  return o.contains(key) ? o[key] : kEmpty;
}

ResourceAmounts Amounts(const json& o) {
  ResourceAmounts out;
  if (o.contains("cpus")) out.nano_cpus = std::llround(o["cpus"].get<double>() * 1e9);
  if (o.contains("memory")) {
    const json& m = o["memory"];
    out.memory_bytes = m.is_string() ? ParseMemoryBytes(m.get<std::string>()) : m.get<int64_t>();
  }
  return out;
}

UpdatePolicy Update(const json& o) {
  UpdatePolicy out;
  out.parallelism = Int(o, "parallelism", 1);
  out.delay = Dur(o, "delay");
  out.order = Str(o, "order") == "start-first" ? UpdateOrder::kStartFirst : UpdateOrder::kStopFirst;
  std::string action = Str(o, "failureAction", "pause");
  out.failure_action = action == "rollback"   ? FailureAction::kRollback
                       : action == "continue" ? FailureAction::kContinue
                                              : FailureAction::kPause;
  out.monitor = Dur(o, "monitor");
  out.max_failure_ratio = o.value("maxFailureRatio", 0.0);
  return out;
}

RestartPolicy Restart(const json& o) {
  RestartPolicy out;
  std::string condition = Str(o, "condition", "any");
  out.condition = condition == "none"         ? RestartCondition::kNone
                  : condition == "on-failure" ? RestartCondition::kOnFailure
                                              : RestartCondition::kAny;
  out.delay = Dur(o, "delay");
  out.max_attempts = Int(o, "maxAttempts");
  out.window = Dur(o, "window");
  return out;
}

HealthCheck Health(const json& o) {
  HealthCheck out;
  out.http_path = Str(o, "http");
  out.port = Int(o, "port");
  out.command = Strings(o, "command");
  out.interval = Dur(o, "interval");
  out.timeout = Dur(o, "timeout");
  out.retries = Int(o, "retries", 3);
  out.start_period = Dur(o, "startPeriod");
  return out;
}

Placement PlacementOf(const json& o) {
  Placement out;
  out.constraints = Strings(o, "constraints");
  if (o.contains("preferences")) {
    for (const json& p : o["preferences"]) out.spread_preferences.push_back(p["spread"].get<std::string>());
  }
  if (o.contains("maxReplicasPerNode")) out.max_replicas_per_node = o["maxReplicasPerNode"].get<int>();
  return out;
}

PortMapping Port(const json& o) {
  PortMapping out;
  out.target = Int(o, "target");
  out.published = Int(o, "published", out.target);
  out.protocol = Str(o, "protocol") == "udp" ? Protocol::kUdp : Protocol::kTcp;
  out.mode = Str(o, "mode") == "host" ? PublishMode::kHost : PublishMode::kIngress;
  return out;
}

ConfigFile Config(const json& o) {
  ConfigFile out{Str(o, "name"), Str(o, "target"), std::nullopt, std::nullopt};
  if (o.contains("content")) out.content = o["content"].get<std::string>();
  if (o.contains("from")) out.from = o["from"].get<std::string>();
  return out;
}

VolumeMount Volume(const json& o) {
  VolumeMount out;
  out.type = Str(o, "type") == "tmpfs" ? VolumeMount::Type::kTmpfs : VolumeMount::Type::kVolume;
  out.source = Str(o, "source");
  out.target = Str(o, "target");
  out.read_only = o.value("readOnly", false);
  if (o.contains("size")) {
    const json& size = o["size"];
    out.size_bytes = size.is_string() ? ParseMemoryBytes(size.get<std::string>()) : size.get<int64_t>();
  }
  return out;
}

KongSettings Kong(const json& o) {
  KongSettings out;
  for (const json& p : Member(o, "plugins").is_array() ? o["plugins"] : json::array()) {
    out.plugins.push_back(
        {Str(p, "name"), p.contains("config") ? p["config"].dump() : "", Str(p, "service")});
  }
  return out;
}

SecretRef Secret(const json& o) {
  if (o.is_string()) return {o.get<std::string>(), ""};
  return {Str(o, "name"), Str(o, "target")};
}

Profile ProfileOf(const std::string& name) {
  for (Profile p :
       {Profile::kDjangoApi, Profile::kFrontend, Profile::kKong, Profile::kLogstash, Profile::kPrometheus}) {
    if (name == ProfileName(p)) return p;
  }
  return Profile::kGeneric;
}

void ServiceLists(const json& spec, ServiceSpec& out) {
  if (spec.contains("ports")) {
    for (const json& p : spec["ports"]) out.ports.push_back(Port(p));
  }
  if (spec.contains("configs")) {
    for (const json& c : spec["configs"]) out.configs.push_back(Config(c));
  }
  if (spec.contains("secrets")) {
    for (const json& s : spec["secrets"]) out.secrets.push_back(Secret(s));
  }
  if (spec.contains("endpointMode")) {
    out.endpoint_mode = Str(spec, "endpointMode") == "dnsrr" ? EndpointMode::kDnsrr : EndpointMode::kVip;
  }
  if (spec.contains("volumes")) {
    for (const json& v : spec["volumes"]) out.volumes.push_back(Volume(v));
  }
  if (spec.contains("logging"))
    out.logging = Logging{Str(spec["logging"], "driver"), Map(spec["logging"], "options")};
  out.networks = Strings(spec, "networks");
  out.depends_on = Strings(spec, "dependsOn");
}

void ServiceExtras(const json& spec, ServiceSpec& out) {
  if (spec.contains("healthcheck")) out.healthcheck = Health(spec["healthcheck"]);
  if (spec.contains("database")) out.database_replication = Str(spec["database"], "replication");
  if (spec.contains("expose")) {
    const json& e = spec["expose"];
    out.expose = Expose{Int(e, "port"), Strings(e, "paths"), Strings(e, "hosts")};
  }
  if (spec.contains("kong")) out.kong = Kong(spec["kong"]);
  if (spec.contains("logstash")) {
    const json& l = spec["logstash"];
    out.logstash = LogstashSettings{Str(l, "elasticsearch"), Str(l, "credentialsSecret")};
  }
  out.failover = Str(spec, "failover") == "takeover" ? FailoverPolicy::kTakeover : FailoverPolicy::kStay;
}

}  // namespace

ObjectMeta MetaFromJson(const json& metadata) {
  return {Str(metadata, "name"), Map(metadata, "labels"), Map(metadata, "annotations")};
}

SiteSpec SiteSpecFromJson(const json& spec) {
  SiteSpec out;
  out.role = Str(spec, "role") == "cloud" ? SiteRole::kCloud : SiteRole::kEdge;
  out.node_selector = Map(spec, "nodeSelector");
  if (spec.contains("engine")) {
    const json& e = spec["engine"];
    out.engine = EngineEndpoint{Str(e, "host"), std::nullopt};
    if (e.contains("tls"))
      out.engine->tls = TlsSecrets{Str(e["tls"], "caSecret"), Str(e["tls"], "certSecret")};
  }
  out.failover = Str(spec, "failover");
  const json& network = Member(spec, "network");
  out.network = SiteNetwork{network.value("encrypted", true), Str(network, "subnet")};
  if (spec.contains("managers")) out.managers = spec["managers"].get<int>();
  return out;
}

ServiceSpec ServiceSpecFromJson(const json& spec) {
  ServiceSpec out;
  out.profile = ProfileOf(Str(spec, "profile"));
  out.image = Str(spec, "image");
  out.command = Strings(spec, "command");
  out.args = Strings(spec, "args");
  out.env = Map(spec, "env");
  out.mode = Str(spec, "mode") == "global" ? ServiceMode::kGlobal : ServiceMode::kReplicated;
  for (const auto& [site, p] : Member(spec, "sites").items()) {
    out.sites[site] = SitePlacement{Int(p, "replicas", 1), Strings(p, "constraints")};
  }
  out.placement = PlacementOf(Member(spec, "placement"));
  const json& resources = Member(spec, "resources");
  out.resources = Resources{Amounts(Member(resources, "limits")), Amounts(Member(resources, "reservations"))};
  out.update = Update(Member(spec, "update"));
  out.rollback = Update(Member(spec, "rollback"));
  out.restart = Restart(Member(spec, "restart"));
  ServiceLists(spec, out);
  ServiceExtras(spec, out);
  out.labels = Map(spec, "labels");
  return out;
}

ReplicationSpec ReplicationSpecFromJson(const json& spec) {
  ReplicationSpec out;
  out.engine = Str(spec, "engine") == "mongodb" ? DatabaseEngine::kMongoDb : DatabaseEngine::kPostgreSql;
  out.image = Str(spec, "image");
  out.storage_volume = Str(Member(spec, "storage"), "volume");
  out.password_secret = Str(spec, "passwordSecret");
  out.primary = Str(spec, "primary");
  out.read_replicas = Strings(spec, "readReplicas");
  if (spec.contains("logical")) {
    LogicalReplication logical{{}, Str(spec["logical"], "subscriber")};
    for (const json& p : Member(spec["logical"], "publications").is_array() ? spec["logical"]["publications"]
                                                                            : json::array()) {
      logical.publications.push_back({Str(p, "name"), Str(p, "site"), Strings(p, "tables")});
    }
    out.logical = logical;
  }
  if (spec.contains("walKeepSize"))
    out.wal_keep_size =
        spec["walKeepSize"].is_string() ? spec["walKeepSize"].get<std::string>() : spec["walKeepSize"].dump();
  out.replica_set = Str(spec, "replicaSet");
  out.key_file_secret = Str(spec, "keyFileSecret");
  for (const json& m : spec.contains("members") ? spec["members"] : json::array()) {
    out.members.push_back({Str(m, "site"), Int(m, "priority", 1), Int(m, "votes", 1),
                           m.value("hidden", false), Map(m, "tags")});
  }
  return out;
}

}  // namespace swarmop::crds::internal
