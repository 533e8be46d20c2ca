// SpecStore::PlanApply and Apply: validate the files against the stored set, then store what changed.
#include <algorithm>
#include <set>
#include <tuple>

#include "store/desired_objects.h"
#include "swarmop/crds/canonical.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

using Key = std::tuple<crds::Kind, std::string>;

bool FromStoredConfig(const crds::Diagnostic& d) { return d.file.rfind("config:", 0) == 0; }

bool DiagnosticOrder(const crds::Diagnostic& a, const crds::Diagnostic& b) {
  return std::tie(a.file, a.line, a.column, a.message) < std::tie(b.file, b.line, b.column, b.message);
}

// The files' objects, then every stored spec the files do not replace.
crds::DesiredState MergeOverStored(const crds::DesiredState& files, const StoreContents& stored) {
  crds::DesiredState merged;
  std::set<Key> in_files;
  for (const store::ObjectRef& ref : store::AllObjects(files)) {
    store::AppendObject(ref, merged);
    in_files.insert({ref.kind, ref.object->name()});
  }
  for (const store::ObjectRef& ref : store::AllObjects(stored.state)) {
    if (!in_files.count({ref.kind, ref.object->name()})) store::AppendObject(ref, merged);
  }
  return merged;
}

engine::ConfigSpec SpecConfig(const store::ObjectRef& ref, const std::string& content,
                              const std::string& content_hash,
                              const std::map<std::string, std::string>& extra_labels) {
  engine::ConfigSpec config;
  config.name = SpecConfigName(ref.kind, ref.object->name(), content_hash);
  config.data = content;
  config.labels = {{labels::kManagedBy, labels::kManagerName},
                   {labels::kRole, labels::kRoleSpec},
                   {labels::kKind, crds::KindName(ref.kind)},
                   {labels::kName, ref.object->name()},
                   {labels::kHash, ref.object->hash}};
  // A chart's release (charts/): on the config too, so `docker config ls --filter label=...` finds it.
  auto release = ref.object->metadata.labels.find(labels::kRelease);
  if (release != ref.object->metadata.labels.end()) config.labels[labels::kRelease] = release->second;
  for (const auto& [key, value] : extra_labels) config.labels.emplace(key, value);
  return config;
}

// Owned configs that hold earlier versions of Kind/name: superseded ones, and invalid ones whose labels
// name it (a spec stored by a swarmop whose schema has changed since).
std::vector<std::string> OwnedOldConfigs(const StoreContents& stored, crds::Kind kind,
                                         const std::string& name) {
  std::vector<std::string> names;
  for (const SupersededConfig& s : stored.superseded) {
    if (s.owned && s.kind == kind && s.name == name) names.push_back(s.config_name);
  }
  for (const InvalidConfig& invalid : stored.invalid) {
    auto label = [&](const char* key) {
      auto it = invalid.labels.find(key);
      return it == invalid.labels.end() ? std::string() : it->second;
    };
    if (invalid.owned && label(labels::kKind) == crds::KindName(kind) && label(labels::kName) == name)
      names.push_back(invalid.config_name);
  }
  return names;
}

std::vector<std::string> UnownedSupersededConfigs(const StoreContents& stored, crds::Kind kind,
                                                  const std::string& name) {
  std::vector<std::string> names;
  for (const SupersededConfig& s : stored.superseded) {
    if (!s.owned && s.kind == kind && s.name == name) names.push_back(s.config_name);
  }
  return names;
}

SpecWrite PlanOneSpec(const store::ObjectRef& ref, const StoreContents& stored,
                      const std::map<std::string, std::string>& extra_labels) {
  SpecWrite write;
  write.kind = ref.kind;
  write.name = ref.object->name();
  write.spec_hash = ref.object->hash;
  const std::string content = crds::ToCanonicalYaml(*ref.object);
  const std::string content_hash = crds::Sha256Hex(content);
  write.remove_configs = OwnedOldConfigs(stored, write.kind, write.name);
  write.unowned_leftover = UnownedSupersededConfigs(stored, write.kind, write.name);

  const StoredSpec* current = stored.Find(write.kind, write.name);
  if (current != nullptr && current->content_hash == content_hash) {
    write.action = SpecWrite::Action::kUnchanged;
    write.config_name = current->config_name;
    return write;
  }
  write.action = current == nullptr ? SpecWrite::Action::kCreate : SpecWrite::Action::kUpdate;
  write.config = SpecConfig(ref, content, content_hash, extra_labels);
  write.config_name = write.config.name;
  if (current != nullptr) {
    // The new config supersedes the current one: remove it when it is ours, otherwise leave it be.
    (current->owned ? write.remove_configs : write.unowned_leftover).push_back(current->config_name);
  }
  return write;
}

}  // namespace

StatusOr<ApplySpecsPlan> SpecStore::PlanApply(const std::vector<crds::SourceFile>& files,
                                              const crds::LoadOptions& options,
                                              const std::map<std::string, std::string>& extra_labels) const {
  ApplySpecsPlan plan;
  crds::LoadResult parsed = crds::ParseSpecs(files, options);
  auto stored = Load();
  if (!stored.ok()) return stored.status();
  plan.before = std::move(stored).value();
  plan.errors = parsed.errors;

  plan.merged = MergeOverStored(parsed.state, plan.before);
  // Problems of stored specs are not the files' fault and must not block them; they show in `swarmop get`.
  std::vector<crds::ObjectKey> rejected = parsed.rejected;
  for (const InvalidConfig& invalid : plan.before.invalid)
    rejected.insert(rejected.end(), invalid.rejected.begin(), invalid.rejected.end());
  for (crds::Diagnostic& d : crds::CheckCrossReferences(plan.merged, rejected)) {
    if (!FromStoredConfig(d)) plan.errors.push_back(std::move(d));
  }
  std::stable_sort(plan.errors.begin(), plan.errors.end(), DiagnosticOrder);
  if (!plan.ok()) return plan;

  std::vector<store::ObjectRef> refs = store::AllObjects(parsed.state);
  std::stable_sort(refs.begin(), refs.end(), [](const store::ObjectRef& a, const store::ObjectRef& b) {
    return std::make_tuple(a.kind, a.object->name()) < std::make_tuple(b.kind, b.object->name());
  });
  for (const store::ObjectRef& ref : refs) plan.writes.push_back(PlanOneSpec(ref, plan.before, extra_labels));
  return plan;
}

StatusOr<ApplySpecsResult> SpecStore::Apply(const std::vector<crds::SourceFile>& files,
                                            const crds::LoadOptions& options,
                                            const std::map<std::string, std::string>& extra_labels) {
  auto plan = PlanApply(files, options, extra_labels);
  if (!plan.ok()) return plan.status();
  ApplySpecsResult result;
  result.plan = std::move(plan).value();
  if (!result.plan.ok()) return result;  // validation failed: nothing is written
  for (const SpecWrite& write : result.plan.writes) {
    Status status = ExecuteWrite(write, result.writes);
    if (!status.ok()) return status.WithContext("storing " + write.Key());
  }
  return result;
}

Status SpecStore::ExecuteWrite(const SpecWrite& write, int& writes) {
  auto remove = [&](const std::string& config_name) -> Status {
    Status removed = engine_.RemoveConfig(config_name);
    if (removed.code() == Code::kNotFound) return Status::Ok();  // someone removed it already
    if (!removed.ok()) return removed.WithContext("removing old config " + config_name);
    ++writes;
    return Status::Ok();
  };
  const bool creates = write.action != SpecWrite::Action::kUnchanged;
  if (creates) {
    // Going back to an earlier version: its config may still exist (older than the current one), so it
    // cannot win again as it is. Remove it first; it is recreated just below as the newest.
    for (const std::string& old : write.remove_configs) {
      if (old == write.config.name) SWARMOP_RETURN_IF_ERROR(remove(old));
    }
    auto created = engine_.CreateConfig(write.config);
    if (created.ok()) {
      ++writes;
    } else if (created.status().code() == Code::kConflict) {
      // Another apply stored the same content a moment ago (the name is content-addressed): fine if ours.
      auto existing = engine_.InspectConfig(write.config.name);
      if (!existing.ok() || existing->spec.data != write.config.data ||
          !labels::IsOwned(existing->spec.labels))
        return created.status().WithContext("creating config " + write.config.name);
    } else {
      return created.status().WithContext("creating config " + write.config.name);
    }
  }
  // Only once the new version exists are the old ones removed: a failure in between leaves two versions,
  // and the newest still wins.
  for (const std::string& old : write.remove_configs) {
    if (!creates || old != write.config.name) SWARMOP_RETURN_IF_ERROR(remove(old));
  }
  return Status::Ok();
}

}  // namespace swarmop::reconciler
