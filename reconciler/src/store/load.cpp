// SpecStore::Load: every config of the swarm that holds a spec, sorted into winners, superseded, invalid.
#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "store/desired_objects.h"
#include "swarmop/crds/canonical.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

struct CanonicalDocument;

// One parsed object and the config it came from.
struct Candidate {
  store::ObjectRef ref;
  const engine::Config* config;
  std::optional<std::chrono::system_clock::time_point> created;
  const CanonicalDocument* document;
};

bool IsLabelledSpec(const engine::Config& config) {
  auto it = config.spec.labels.find(labels::kRole);
  return it != config.spec.labels.end() && it->second == labels::kRoleSpec;
}

// Newest first: CreatedAt, then the raft version (grows with every write), then the name for stability.
bool NewerFirst(const Candidate& a, const Candidate& b) {
  auto key = [](const Candidate& c) {
    return std::make_tuple(c.created.value_or(std::chrono::system_clock::time_point{}), c.config->version,
                           c.config->spec.name);
  };
  return key(a) > key(b);
}

// The canonical YAML of an object and its sha256, computed once per parsed config.
struct CanonicalDocument {
  std::shared_ptr<const std::string> yaml;
  std::string sha256;
};

StoredSpec ToStoredSpec(const Candidate& c, const CanonicalDocument& document) {
  StoredSpec spec;
  spec.kind = c.ref.kind;
  spec.name = c.ref.object->name();
  spec.spec_hash = c.ref.object->hash;
  spec.document = document.yaml;
  spec.content_hash = document.sha256;
  spec.config_id = c.config->id;
  spec.config_name = c.config->spec.name;
  spec.created_at = c.config->created_at;
  spec.version = c.config->version;
  spec.labels = c.config->spec.labels;
  spec.owned = labels::IsOwned(c.config->spec.labels);
  return spec;
}

SupersededConfig ToSuperseded(const Candidate& c, const Candidate& winner) {
  return {c.ref.kind,          c.ref.object->name(),     c.config->id,
          c.config->spec.name, winner.config->spec.name, labels::IsOwned(c.config->spec.labels)};
}

bool SameGroup(const Candidate& a, const Candidate& b) {
  return a.ref.kind == b.ref.kind && a.ref.object->name() == b.ref.object->name();
}

// Room for exactly the winners (the first of each group of the sorted candidates): a load holds every spec
// until the next one, and vectors grown by doubling would keep up to twice their room.
void ReserveForWinners(const std::vector<Candidate>& sorted, StoreContents& contents) {
  size_t by_kind[3] = {0, 0, 0};
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || !SameGroup(sorted[i - 1], sorted[i])) ++by_kind[static_cast<size_t>(sorted[i].ref.kind)];
  }
  contents.state.sites.reserve(by_kind[static_cast<size_t>(crds::Kind::kSite)]);
  contents.state.services.reserve(by_kind[static_cast<size_t>(crds::Kind::kService)]);
  contents.state.replications.reserve(by_kind[static_cast<size_t>(crds::Kind::kReplication)]);
  contents.specs.reserve(by_kind[0] + by_kind[1] + by_kind[2]);
}

}  // namespace

struct SpecStore::ParsedConfig {
  crds::LoadResult result;
  std::vector<store::ObjectRef> objects;     // into result.state
  std::vector<CanonicalDocument> documents;  // one per object, same order
};

std::shared_ptr<const SpecStore::ParsedConfig> SpecStore::Parse(const engine::Config& config) const {
  {
    std::lock_guard<std::mutex> lock(parse_cache_mu_);
    auto it = parse_cache_.find(config.id);
    if (it != parse_cache_.end()) return it->second;
  }
  auto parsed = std::make_shared<ParsedConfig>();
  parsed->result = crds::ParseConfigSpec(config.spec.name, config.spec.data, options_.load);
  parsed->objects = store::AllObjects(parsed->result.state);
  for (const store::ObjectRef& ref : parsed->objects) {
    std::string yaml = crds::ToCanonicalYaml(*ref.object);
    std::string sha = crds::Sha256Hex(yaml);
    parsed->documents.push_back({std::make_shared<const std::string>(std::move(yaml)), std::move(sha)});
  }
  std::lock_guard<std::mutex> lock(parse_cache_mu_);
  parse_cache_[config.id] = parsed;
  return parsed;
}

SpecStore::SpecStore(engine::Engine& engine, SpecStoreOptions options)
    : engine_(engine), options_(std::move(options)) {}

StatusOr<StoreContents> SpecStore::Load() const {
  auto listed = engine_.ListConfigs({});
  if (!listed.ok()) return listed.status().WithContext("listing configs");
  return LoadFrom(*listed);
}

StatusOr<StoreContents> SpecStore::LoadFrom(const std::vector<engine::Config>& listed) const {
  StoreContents contents;
  // Parsed documents must outlive the candidates that point into them, and so must inspected configs.
  std::map<std::string, std::shared_ptr<const ParsedConfig>> parsed;
  std::deque<engine::Config> inspected_configs;
  std::vector<Candidate> candidates;
  candidates.reserve(listed.size());
  for (const engine::Config& listed_config : listed) {
    const engine::Config* read = &listed_config;
    if (listed_config.spec.data.empty()) {
      // The list answer normally carries Data; an engine that leaves it out costs one inspect per config.
      auto inspected = engine_.InspectConfig(listed_config.id);
      if (!inspected.ok()) {
        if (inspected.status().code() == Code::kNotFound) continue;  // removed since the list
        return inspected.status().WithContext("inspecting config " + listed_config.spec.name);
      }
      read = &inspected_configs.emplace_back(std::move(inspected).value());
    }
    const engine::Config& config = *read;
    if (!crds::LooksLikeSwarmopSpec(config.spec.data) && !IsLabelledSpec(config)) continue;
    const std::shared_ptr<const ParsedConfig>& entry = parsed[config.id] = Parse(config);
    const crds::LoadResult& result = entry->result;
    if (!result.ok()) {
      contents.invalid.push_back({config.id, config.spec.name, labels::IsOwned(config.spec.labels),
                                  config.spec.labels, result.errors, result.rejected});
    }
    for (size_t k = 0; k < entry->objects.size(); ++k)
      candidates.push_back(
          {entry->objects[k], &config, ParseEngineTime(config.created_at), &entry->documents[k]});
  }
  {
    // Forget configs that are gone, so the cache holds only what the swarm holds.
    std::lock_guard<std::mutex> lock(parse_cache_mu_);
    std::erase_if(parse_cache_, [&parsed](const auto& item) { return !parsed.count(item.first); });
  }

  // Group by kind and name; the newest of each group wins.
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    auto group = [](const Candidate& c) { return std::make_tuple(c.ref.kind, c.ref.object->name()); };
    if (group(a) != group(b)) return group(a) < group(b);
    return NewerFirst(a, b);
  });
  ReserveForWinners(candidates, contents);
  for (size_t i = 0; i < candidates.size();) {
    const Candidate& winner = candidates[i];
    store::AppendObject(winner.ref, contents.state);
    contents.specs.push_back(ToStoredSpec(winner, *winner.document));
    size_t j = i + 1;
    for (; j < candidates.size() && SameGroup(candidates[j], winner); ++j) {
      contents.superseded.push_back(ToSuperseded(candidates[j], winner));
    }
    i = j;
  }
  // A spec whose config is broken still "exists" for the others: no cascade of "no Site named" errors.
  std::vector<crds::ObjectKey> rejected;
  for (const InvalidConfig& invalid : contents.invalid)
    rejected.insert(rejected.end(), invalid.rejected.begin(), invalid.rejected.end());
  contents.cross_reference_errors = crds::CheckCrossReferences(contents.state, rejected);
  return contents;
}

}  // namespace swarmop::reconciler
