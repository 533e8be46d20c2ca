#include "object_checks.h"

#include <string>

namespace swarmop::crds::internal {
namespace {

// "/spec/members/2/votes" -> "spec.members[2].votes"
std::string DottedFromPointer(const std::string& pointer) {
  std::string out;
  size_t pos = 1;
  while (pos <= pointer.size() && !pointer.empty()) {
    size_t next = pointer.find('/', pos);
    std::string token = pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    bool index = !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
    out += index ? "[" + token + "]" : (out.empty() ? "" : ".") + token;
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out;
}

class Checker {
 public:
  Checker(const ObjectBase& object, Kind kind) : object_(object), kind_(kind) {}
  void Error(const std::string& pointer, std::string message) {
    errors_.push_back(At(object_, kind_, pointer, std::move(message)));
  }
  std::vector<Diagnostic> Take() { return std::move(errors_); }

 private:
  const ObjectBase& object_;
  Kind kind_;
  std::vector<Diagnostic> errors_;
};

void CheckMongo(const ReplicationSpec& spec, Checker& check) {
  if (spec.replica_set.empty()) check.Error("/spec/replicaSet", "required for engine mongodb");
  if (spec.key_file_secret.empty()) check.Error("/spec/keyFileSecret", "required for engine mongodb");
  if (spec.members.empty()) check.Error("/spec/members", "required for engine mongodb (at least one member)");
  if (spec.members.size() > 50) {
    check.Error("/spec/members", "has " + std::to_string(spec.members.size()) +
                                     " members; a MongoDB replica set has at most 50");
  }
  int voters = 0;
  for (size_t i = 0; i < spec.members.size(); ++i) {
    const MongoMember& m = spec.members[i];
    std::string at = "/spec/members/" + std::to_string(i);
    voters += m.votes;
    if (m.votes == 0 && m.priority > 0) {
      check.Error(at,
                  "a non-voting member (votes: 0) must have priority 0, got " + std::to_string(m.priority));
    }
    if (m.hidden && m.priority > 0) {
      check.Error(at, "a hidden member must have priority 0, got " + std::to_string(m.priority));
    }
  }
  if (voters > 7) {
    check.Error("/spec/members", std::to_string(voters) +
                                     " voting members; MongoDB allows at most 7 (set votes: 0 "
                                     "and priority: 0 on the others)");
  } else if (voters > 0 && voters % 2 == 0) {
    check.Error("/spec/members", std::to_string(voters) +
                                     " voting members; use an odd number so a majority can always be formed");
  }
  if (!spec.primary.empty()) check.Error("/spec/primary", "only for engine postgresql");
  if (!spec.read_replicas.empty()) check.Error("/spec/readReplicas", "only for engine postgresql");
  if (spec.logical) check.Error("/spec/logical", "only for engine postgresql");
}

void CheckPostgres(const ReplicationSpec& spec, Checker& check) {
  if (spec.primary.empty()) check.Error("/spec/primary", "required for engine postgresql");
  if (!spec.members.empty())
    check.Error("/spec/members", "only for engine mongodb (use primary and readReplicas)");
  if (!spec.replica_set.empty()) check.Error("/spec/replicaSet", "only for engine mongodb");
  if (!spec.key_file_secret.empty()) check.Error("/spec/keyFileSecret", "only for engine mongodb");
  for (size_t i = 0; i < spec.read_replicas.size(); ++i) {
    if (spec.read_replicas[i] == spec.primary) {
      check.Error("/spec/readReplicas/" + std::to_string(i),
                  "\"" + spec.primary + "\" is the primary; a site cannot also be its read replica");
    }
  }
}

// Global mode: one task per node of each site, so no replica counts (1, the schema default, is tolerated:
// canonical specs carry it), no per-node maximum and nothing to take over on failover.
void CheckGlobalMode(const ServiceSpec& spec, Checker& check) {
  if (spec.mode != ServiceMode::kGlobal) return;
  for (const auto& [site, placement] : spec.sites) {
    if (placement.replicas != 1) {
      check.Error("/spec/sites/" + site + "/replicas",
                  "mode global runs one task on every node of the site; leave replicas out (got " +
                      std::to_string(placement.replicas) + ")");
    }
  }
  if (spec.placement.max_replicas_per_node) {
    check.Error("/spec/placement/maxReplicasPerNode",
                "only for mode replicated (global runs one task per node)");
  }
  if (spec.failover == FailoverPolicy::kTakeover) {
    check.Error("/spec/failover",
                "takeover moves a site's replicas to its partner; a global service has none (use stay)");
  }
}

void CheckVolumes(const ServiceSpec& spec, Checker& check) {
  for (size_t i = 0; i < spec.volumes.size(); ++i) {
    const VolumeMount& v = spec.volumes[i];
    std::string at = "/spec/volumes/" + std::to_string(i);
    if (v.type == VolumeMount::Type::kVolume) {
      if (v.source.empty()) check.Error(at, "a volume mount needs source (the volume's name)");
      if (v.size_bytes) check.Error(at + "/size", "only for type tmpfs");
    } else {
      if (!v.source.empty()) check.Error(at + "/source", "only for type volume (a tmpfs has no source)");
      if (v.read_only) check.Error(at + "/readOnly", "only for type volume (a read-only tmpfs stays empty)");
    }
    for (size_t j = 0; j < i; ++j) {
      if (spec.volumes[j].target == v.target) {
        check.Error(at + "/target",
                    "\"" + v.target + "\" is already mounted by volumes[" + std::to_string(j) + "]");
      }
    }
    for (const ConfigFile& config : spec.configs) {
      if (config.target == v.target)
        check.Error(at + "/target", "\"" + v.target + "\" is also a config's target");
    }
  }
}

void CheckKong(const ServiceSpec& spec, Checker& check) {
  if (!spec.kong) return;
  if (spec.profile != Profile::kKong) {
    check.Error("/spec/kong", "only for profile kong");
    return;
  }
  const auto& plugins = spec.kong->plugins;
  for (size_t i = 0; i < plugins.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (plugins[j].name == plugins[i].name && plugins[j].service == plugins[i].service) {
        check.Error("/spec/kong/plugins/" + std::to_string(i),
                    "plugin " + plugins[i].name + " is already configured " +
                        (plugins[i].service.empty() ? "globally" : "for Service " + plugins[i].service) +
                        " by plugins[" + std::to_string(j) + "] (Kong allows one)");
      }
    }
  }
}

// The Elasticsearch URL goes into the pipeline text as a quoted string: TLS only, and no credentials in it
// (they come from credentialsSecret), nothing that could end the string or the line.
void CheckLogstash(const ServiceSpec& spec, Checker& check) {
  if (!spec.logstash) {
    if (spec.profile == Profile::kLogstash) {
      check.Error("/spec/logstash", "required for profile logstash (the Elasticsearch URL)");
    }
    return;
  }
  if (spec.profile != Profile::kLogstash) {
    check.Error("/spec/logstash", "only for profile logstash");
    return;
  }
  const std::string& url = spec.logstash->elasticsearch;
  const std::string scheme = "https://";
  std::string authority = url.rfind(scheme, 0) == 0 ? url.substr(scheme.size()) : "";
  authority = authority.substr(0, authority.find('/'));
  if (url.rfind(scheme, 0) != 0) {
    check.Error("/spec/logstash/elasticsearch", "must be an https:// URL (logs leave the site over TLS)");
  } else if (authority.empty() || authority[0] == ':') {
    check.Error("/spec/logstash/elasticsearch", "names no host");
  } else if (authority.find('@') != std::string::npos) {
    check.Error("/spec/logstash/elasticsearch",
                "must not carry credentials; put \"user:password\" in the secret credentialsSecret names");
  } else if (url.find_first_of("\"'\\ \t\r\n{}$") != std::string::npos) {
    check.Error("/spec/logstash/elasticsearch", "must not contain quotes, spaces, braces, $ or backslashes");
  }
}

}  // namespace

Diagnostic At(const ObjectBase& object, Kind kind, const std::string& pointer, std::string message) {
  Position p = object.PositionOf(pointer);
  return {object.source_file, p.line, p.column, KindName(kind), object.name(), DottedFromPointer(pointer),
          std::move(message)};
}

std::vector<Diagnostic> CheckSite(const Site& site) {
  Checker check(site, Kind::kSite);
  if (site.spec.engine && !site.spec.node_selector.empty()) {
    check.Error("/spec/engine",
                "a site is either nodes of a stretched swarm (nodeSelector) or a swarm of its "
                "own (engine), not both");
  }
  if (!site.spec.engine && site.spec.node_selector.empty()) {
    check.Error(
        "/spec/nodeSelector",
        "required unless engine is given (a site is nodes of the stretched swarm or a swarm of its own)");
  }
  return check.Take();
}

std::vector<Diagnostic> CheckService(const Service& service) {
  Checker check(service, Kind::kService);
  const ServiceSpec& spec = service.spec;
  for (size_t i = 0; i < spec.configs.size(); ++i) {
    const ConfigFile& c = spec.configs[i];
    if (c.content.has_value() == c.from.has_value()) {
      check.Error("/spec/configs/" + std::to_string(i),
                  "give exactly one of content (inline) or from (an existing "
                  "config)");
    }
  }
  if (spec.healthcheck) {
    const HealthCheck& h = *spec.healthcheck;
    bool http = !h.http_path.empty();
    if (http == !h.command.empty()) {
      check.Error("/spec/healthcheck", "give exactly one of http (with port) or command");
    } else if (http && h.port == 0) {
      check.Error("/spec/healthcheck", "http needs a port");
    }
  }
  if (spec.endpoint_mode == EndpointMode::kDnsrr) {
    for (size_t i = 0; i < spec.ports.size(); ++i) {
      if (spec.ports[i].mode == PublishMode::kIngress) {
        check.Error("/spec/ports/" + std::to_string(i),
                    "endpointMode dnsrr cannot publish through the routing mesh (ingress); set mode: host");
      }
    }
  }
  CheckGlobalMode(spec, check);
  CheckVolumes(spec, check);
  CheckKong(spec, check);
  if (spec.expose && spec.expose->paths.empty() && spec.expose->hosts.empty()) {
    check.Error("/spec/expose", "give paths or hosts (what the gateway routes to this service)");
  }
  CheckLogstash(spec, check);
  return check.Take();
}

std::vector<Diagnostic> CheckReplication(const Replication& replication) {
  Checker check(replication, Kind::kReplication);
  if (replication.spec.engine == DatabaseEngine::kMongoDb) {
    CheckMongo(replication.spec, check);
  } else {
    CheckPostgres(replication.spec, check);
  }
  return check.Take();
}

}  // namespace swarmop::crds::internal
