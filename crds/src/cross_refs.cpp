// Checks over the whole set of specs: names that must refer to existing objects, duplicate names, dependsOn
// cycles and the Swarm name-length limit of "<object>-<site>".
#include <algorithm>
#include <map>
#include <set>

#include "object_checks.h"
#include "swarmop/crds/load.h"
#include "swarmop/crds/naming.h"

namespace swarmop::crds {
namespace {

using internal::At;

std::string Where(const ObjectBase& o) {
  return o.source_file + ":" + std::to_string(o.position.line) + ":" + std::to_string(o.position.column);
}

class SetChecker {
 public:
  SetChecker(const DesiredState& state, const std::vector<ObjectKey>& rejected)
      : state_(state), rejected_(rejected) {}

  std::vector<Diagnostic> Run() {
    CheckDuplicates(state_.sites, Kind::kSite);
    CheckDuplicates(state_.services, Kind::kService);
    CheckDuplicates(state_.replications, Kind::kReplication);
    for (const Site& site : state_.sites) CheckSite(site);
    for (const Service& service : state_.services) CheckService(service);
    for (const Replication& r : state_.replications) CheckReplication(r);
    CheckDependencyCycles();
    return std::move(errors_);
  }

 private:
  template <typename T>
  void CheckDuplicates(const std::vector<T>& objects, Kind kind) {
    std::map<std::string, const T*> first;
    for (const T& o : objects) {
      auto [it, inserted] = first.emplace(o.name(), &o);
      if (!inserted) {
        Error(o, kind, "/metadata/name",
              "duplicate " + std::string(KindName(kind)) + " name (first defined at " + Where(*it->second) +
                  ")");
      }
    }
  }

  void CheckSite(const Site& site) {
    const std::string& partner = site.spec.failover;
    if (partner.empty()) return;
    if (partner == site.name()) {
      Error(site, Kind::kSite, "/spec/failover", "a site cannot be its own failover partner");
    } else if (!SiteExists(partner)) {
      Error(site, Kind::kSite, "/spec/failover", UnknownSite(partner));
    }
  }

  void CheckService(const Service& s) {
    for (const auto& [site, placement] : s.spec.sites) {
      std::string at = "/spec/sites/" + site;
      if (!SiteExists(site)) Error(s, Kind::kService, at, UnknownSite(site));
      CheckSwarmName(s, Kind::kService, at, site);
    }
    const std::string& db = s.spec.database_replication;
    if (!db.empty() && !ReplicationExists(db)) {
      Error(s, Kind::kService, "/spec/database/replication",
            "no Replication named \"" + db + "\"" + Known(Kind::kReplication));
    }
    if (s.spec.kong) {
      for (size_t i = 0; i < s.spec.kong->plugins.size(); ++i) {
        const std::string& target = s.spec.kong->plugins[i].service;
        const Service* exposed = target.empty() ? nullptr : state_.FindService(target);
        if (!target.empty() && (exposed == nullptr || !exposed->spec.expose)) {
          Error(s, Kind::kService, "/spec/kong/plugins/" + std::to_string(i) + "/service",
                exposed == nullptr
                    ? "no Service named \"" + target + "\""
                    : "Service " + target + " has no expose, so the gateway has no route to it");
        }
      }
    }
    for (size_t i = 0; i < s.spec.depends_on.size(); ++i) {
      const std::string& target = s.spec.depends_on[i];
      if (target == s.name()) {
        Error(s, Kind::kService, "/spec/dependsOn/" + std::to_string(i), "a service cannot depend on itself");
      } else if (!ServiceExists(target) && !ReplicationExists(target)) {
        Error(s, Kind::kService, "/spec/dependsOn/" + std::to_string(i),
              "no Service or Replication named \"" + target + "\"");
      }
    }
  }

  void CheckReplication(const Replication& r) {
    const ReplicationSpec& spec = r.spec;
    auto site_ref = [&](const std::string& pointer, const std::string& site) {
      if (site.empty()) return;
      if (!SiteExists(site)) Error(r, Kind::kReplication, pointer, UnknownSite(site));
      CheckSwarmName(r, Kind::kReplication, pointer, site);
    };
    site_ref("/spec/primary", spec.primary);
    for (size_t i = 0; i < spec.read_replicas.size(); ++i) {
      site_ref("/spec/readReplicas/" + std::to_string(i), spec.read_replicas[i]);
    }
    for (size_t i = 0; i < spec.members.size(); ++i) {
      site_ref("/spec/members/" + std::to_string(i) + "/site", spec.members[i].site);
    }
    if (!spec.logical) return;
    site_ref("/spec/logical/subscriber", spec.logical->subscriber);
    for (size_t i = 0; i < spec.logical->publications.size(); ++i) {
      const std::string& site = spec.logical->publications[i].site;
      if (!SiteExists(site)) {
        Error(r, Kind::kReplication, "/spec/logical/publications/" + std::to_string(i) + "/site",
              UnknownSite(site));
      }
    }
  }

  void CheckSwarmName(const ObjectBase& o, Kind kind, const std::string& pointer, const std::string& site) {
    std::string swarm_name = SwarmServiceName(o.name(), site);
    if (swarm_name.size() <= kMaxSwarmServiceName) return;
    Error(o, kind, pointer,
          "Swarm service name \"" + swarm_name + "\" would be " + std::to_string(swarm_name.size()) +
              " characters; <name>-<site> must fit in " + std::to_string(kMaxSwarmServiceName) +
              " (shorten the " + KindName(kind) + " or the site name)");
  }

  // Reports each dependsOn cycle once, starting from its alphabetically first service.
  void CheckDependencyCycles() {
    std::map<std::string, const Service*> by_name;
    for (const Service& s : state_.services) by_name.emplace(s.name(), &s);
    std::set<std::string> reported;
    for (const auto& [name, service] : by_name) {
      std::vector<std::string> path{name};
      FindCycles(by_name, path, reported);
    }
  }

  void FindCycles(const std::map<std::string, const Service*>& by_name, std::vector<std::string>& path,
                  std::set<std::string>& reported) {
    const Service& current = *by_name.at(path.back());
    for (const std::string& next : current.spec.depends_on) {
      if (next == current.name() || !by_name.count(next)) continue;
      if (next == path.front()) {
        ReportCycle(by_name, path, reported);
      } else if (next > path.front() && std::find(path.begin(), path.end(), next) == path.end()) {
        // Only visit names after the start: each cycle is found from its smallest member exactly once.
        path.push_back(next);
        FindCycles(by_name, path, reported);
        path.pop_back();
      }
    }
  }

  void ReportCycle(const std::map<std::string, const Service*>& by_name, const std::vector<std::string>& path,
                   std::set<std::string>& reported) {
    std::string cycle;
    for (const std::string& n : path) cycle += n + " -> ";
    cycle += path.front();
    if (!reported.insert(cycle).second) return;
    const Service& start = *by_name.at(path.front());
    const auto& deps = start.spec.depends_on;
    size_t index = std::find(deps.begin(), deps.end(), path.size() > 1 ? path[1] : path[0]) - deps.begin();
    Error(start, Kind::kService, "/spec/dependsOn/" + std::to_string(index), "dependency cycle: " + cycle);
  }

  std::string UnknownSite(const std::string& site) const {
    return "no Site named \"" + site + "\"" + Known(Kind::kSite);
  }

  // " (known: a, b)" listing valid and rejected objects of a kind, or " (none is defined)".
  std::string Known(Kind kind) const {
    std::set<std::string> names;
    for (const ObjectKey& key : rejected_) {
      if (key.kind == kind) names.insert(key.name);
    }
    auto add = [&](const auto& objects) {
      for (const auto& o : objects) names.insert(o.name());
    };
    if (kind == Kind::kSite) add(state_.sites);
    if (kind == Kind::kReplication) add(state_.replications);
    if (kind == Kind::kService) add(state_.services);
    if (names.empty()) return " (none is defined)";
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return " (known: " + out + ")";
  }

  void Error(const ObjectBase& o, Kind kind, const std::string& pointer, std::string message) {
    errors_.push_back(At(o, kind, pointer, std::move(message)));
  }

  bool Rejected(Kind kind, const std::string& name) const {
    return std::find(rejected_.begin(), rejected_.end(), ObjectKey{kind, name}) != rejected_.end();
  }
  bool SiteExists(const std::string& name) const {
    return state_.FindSite(name) || Rejected(Kind::kSite, name);
  }
  bool ReplicationExists(const std::string& name) const {
    return state_.FindReplication(name) || Rejected(Kind::kReplication, name);
  }
  bool ServiceExists(const std::string& name) const {
    return state_.FindService(name) || Rejected(Kind::kService, name);
  }

  const DesiredState& state_;
  const std::vector<ObjectKey>& rejected_;
  std::vector<Diagnostic> errors_;
};

}  // namespace

std::vector<Diagnostic> CheckCrossReferences(const DesiredState& state,
                                             const std::vector<ObjectKey>& rejected) {
  return SetChecker(state, rejected).Run();
}

}  // namespace swarmop::crds
