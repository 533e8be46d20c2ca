#include "store/desired_objects.h"

namespace swarmop::reconciler::store {

std::vector<ObjectRef> AllObjects(const crds::DesiredState& state) {
  std::vector<ObjectRef> refs;
  for (const crds::Site& site : state.sites) refs.push_back({crds::Kind::kSite, &site});
  for (const crds::Service& service : state.services) refs.push_back({crds::Kind::kService, &service});
  for (const crds::Replication& replication : state.replications)
    refs.push_back({crds::Kind::kReplication, &replication});
  return refs;
}

void AppendObject(const ObjectRef& ref, crds::DesiredState& out) {
  // The kind tells which derived type the ObjectBase is (AllObjects made the ref from that vector).
  switch (ref.kind) {
    case crds::Kind::kSite:
      out.sites.push_back(static_cast<const crds::Site&>(*ref.object));
      break;
    case crds::Kind::kService:
      out.services.push_back(static_cast<const crds::Service&>(*ref.object));
      break;
    case crds::Kind::kReplication:
      out.replications.push_back(static_cast<const crds::Replication&>(*ref.object));
      break;
  }
}

}  // namespace swarmop::reconciler::store
