#include "swarmop/crds/model.h"

#include <algorithm>

namespace swarmop::crds {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kSite:
      return "Site";
    case Kind::kService:
      return "Service";
    case Kind::kReplication:
      return "Replication";
  }
  return "?";
}

const char* ProfileName(Profile profile) {
  switch (profile) {
    case Profile::kGeneric:
      return "generic";
    case Profile::kDjangoApi:
      return "django-api";
    case Profile::kFrontend:
      return "frontend";
    case Profile::kKong:
      return "kong";
    case Profile::kLogstash:
      return "logstash";
    case Profile::kPrometheus:
      return "prometheus";
  }
  return "generic";
}

const std::string& ObjectBase::CanonicalJson() const {
  static const std::string kNone;
  return canonical_json ? *canonical_json : kNone;
}

Position ObjectBase::PositionOf(std::string_view json_pointer) const {
  std::string pointer(json_pointer);
  while (true) {
    if (field_positions) {
      auto it = field_positions->find(pointer);
      if (it != field_positions->end() && it->second.line > 0) return it->second;
    }
    if (pointer.empty()) return position;
    pointer.resize(pointer.rfind('/'));
  }
}

namespace {
template <typename T>
const T* FindByName(const std::vector<T>& objects, std::string_view name) {
  auto it = std::find_if(objects.begin(), objects.end(), [&](const T& o) { return o.name() == name; });
  return it == objects.end() ? nullptr : &*it;
}
}  // namespace

const Site* DesiredState::FindSite(std::string_view name) const { return FindByName(sites, name); }
const Service* DesiredState::FindService(std::string_view name) const { return FindByName(services, name); }
const Replication* DesiredState::FindReplication(std::string_view name) const {
  return FindByName(replications, name);
}

}  // namespace swarmop::crds
