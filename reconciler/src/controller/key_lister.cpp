#include "swarmop/reconciler/controller/key_lister.h"

#include <optional>
#include <set>

#include "swarmop/reconciler/controller/spec_problems.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

engine::ListFilter OwnedObjects() {
  return engine::ListFilter::Labels({{labels::kManagedBy, labels::kManagerName}});
}

std::optional<Request> OwnerOf(const std::map<std::string, std::string>& object_labels) {
  auto kind = object_labels.find(labels::kOwnerKind);
  auto name = object_labels.find(labels::kOwnerName);
  if (kind == object_labels.end() || name == object_labels.end()) return std::nullopt;
  return Request{kind->second, name->second};
}

void IndexOwner(const std::string& name, const std::map<std::string, std::string>& object_labels,
                std::map<std::string, Request>& index, std::set<Request>& keys) {
  if (auto owner = OwnerOf(object_labels)) {
    index[name] = *owner;
    keys.insert(*owner);
  }
}

}  // namespace

StatusOr<KeySnapshot> EstateKeyLister::ListFromCache() {
  // One config listing serves both caches: the specs are loaded from it before the actual cache drops
  // the stored specs' data.
  SWARMOP_RETURN_IF_ERROR(cache_->Fill(
      engine_, [this](const std::vector<engine::Config>& configs) { return specs_.Refresh(configs); }));
  auto contents = specs_.Get();
  if (!contents.ok()) return contents.status();
  KeySnapshot snapshot;
  SpecProblems problems = FindSpecProblems(**contents);
  std::vector<Request> spec_keys = SpecKeys(**contents, problems);
  std::set<Request> keys = cache_->Owners();
  keys.insert(spec_keys.begin(), spec_keys.end());
  snapshot.index = cache_->Index();
  for (const StoredSpec& spec : (*contents)->specs) {
    snapshot.index.configs[spec.config_name] = Request{crds::KindName(spec.kind), spec.name};
  }
  snapshot.keys.assign(keys.begin(), keys.end());
  return snapshot;
}

StatusOr<KeySnapshot> EstateKeyLister::ListKeys() {
  if (cache_) return ListFromCache();
  specs_.Invalidate();  // a resync reads the specs as they are now
  auto contents = specs_.Get();
  if (!contents.ok()) return contents.status();
  auto services = engine_.ListServices(OwnedObjects());
  if (!services.ok()) return services.status().WithContext("listing owned services");
  auto networks = engine_.ListNetworks(OwnedObjects());
  if (!networks.ok()) return networks.status().WithContext("listing owned networks");
  auto configs = engine_.ListConfigs(OwnedObjects());
  if (!configs.ok()) return configs.status().WithContext("listing owned configs");

  KeySnapshot snapshot;
  SpecProblems problems = FindSpecProblems(**contents);
  std::vector<Request> spec_keys = SpecKeys(**contents, problems);
  std::set<Request> keys(spec_keys.begin(), spec_keys.end());
  for (const auto& s : *services) IndexOwner(s.spec.name, s.spec.labels, snapshot.index.services, keys);
  for (const auto& n : *networks) IndexOwner(n.name, n.labels, snapshot.index.networks, keys);
  for (const auto& c : *configs) IndexOwner(c.spec.name, c.spec.labels, snapshot.index.configs, keys);
  for (const StoredSpec& spec : (*contents)->specs) {
    snapshot.index.configs[spec.config_name] = Request{crds::KindName(spec.kind), spec.name};
  }
  snapshot.keys.assign(keys.begin(), keys.end());
  return snapshot;
}

}  // namespace swarmop::reconciler
