// ProfileDependants: the profile Services a spec change concerns. See profiles/dependants.h.
#include "swarmop/reconciler/profiles/dependants.h"

namespace swarmop::reconciler::profiles {
namespace {

bool ReadsEveryService(const crds::Service& service) {
  return service.spec.profile == crds::Profile::kKong || service.spec.profile == crds::Profile::kPrometheus;
}

bool ReadsSites(const crds::Service& service) {
  return ReadsEveryService(service) || service.spec.profile == crds::Profile::kLogstash;
}

// Each Service of `state` placed at a site of the logstash Service `name` there, if it is one.
void ServicesAtLogstashSites(const crds::DesiredState& state, const std::string& name,
                             std::set<Request>& out) {
  const crds::Service* logstash = state.FindService(name);
  if (logstash == nullptr || logstash->spec.profile != crds::Profile::kLogstash) return;
  for (const crds::Service& service : state.services) {
    for (const auto& [site, placement] : logstash->spec.sites) {
      if (service.spec.sites.count(site)) out.insert(Request{"Service", service.name()});
    }
  }
}

}  // namespace

std::set<Request> ProfileDependants(const crds::DesiredState& before, const crds::DesiredState& after,
                                    const std::set<Request>& changed) {
  bool service_changed = false, site_changed = false;
  std::set<Request> out;
  for (const Request& key : changed) {
    if (key.kind == "Service") {
      service_changed = true;
      ServicesAtLogstashSites(before, key.name, out);
      ServicesAtLogstashSites(after, key.name, out);
    }
    if (key.kind == "Site") site_changed = true;
  }
  for (const crds::Service& service : after.services) {
    if ((service_changed && ReadsEveryService(service)) || (site_changed && ReadsSites(service)))
      out.insert(Request{"Service", service.name()});
  }
  for (const Request& key : changed) out.erase(key);
  return out;
}

}  // namespace swarmop::reconciler::profiles
