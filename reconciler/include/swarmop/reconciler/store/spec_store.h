// SpecStore: specs (Site, Service, Replication) kept as Swarm configs, the operator's source of truth.
//
// What swarmop writes: one config per spec, named "swarmop-<kind>-<name>-<10 hex of the content hash>"
// (SpecConfigName), holding the spec's canonical YAML, labelled managed-by=swarmop, role=spec, kind, name and
// hash (labels.h). Configs are immutable, so a changed spec is a NEW config; the old owned ones are removed
// once the new one exists.
//
// What swarmop reads: EVERY config of the swarm whose content looks like a swarmop manifest
// (crds::LooksLikeSwarmopSpec) or that carries role=spec, so a spec created by hand with
// `docker config create NAME spec.yaml` (labels or not) counts too. A config holds exactly one manifest
// (crds::ParseConfigSpec); a multi-document config is reported as invalid. When several configs hold the same
// Kind/name, the newest (CreatedAt) wins and the others are reported as superseded. A config that does not
// parse or validate is reported with its name and errors; it never stops the other specs from loading.
//
// Ownership: configs without swarmop's managed-by label are the user's. swarmop never removes them, even
// when a newer spec supersedes them (they are reported as superseded, with the command that removes them).
// The one write swarmop makes on such a config is SetStatusLabels: io.swarmop.status.* labels only, merged
// with the config's own labels, so a hand-made spec shows its status too.
//
// Thread-safety: a SpecStore holds no mutable state of its own; calls are as safe as the engine is. Two
// writers racing on the same spec both create configs; the newest wins and the next Apply removes the rest.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/diagnostic.h"
#include "swarmop/crds/load.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {

// Status labels (io.swarmop.status.*): status_labels in core/labels.h, their values in spec_status.h.
inline constexpr const char* kStatusLabelPrefix = status_labels::kPrefix;

// "Service"/"service"/"services"/"svc"... -> Kind; nullopt when unknown.
std::optional<crds::Kind> ParseKindName(std::string_view text);

// "swarmop-<kind lowercase>-<name>-<first 10 hex of content_hash>", at most 64 characters: the name part is
// shortened when needed (the labels keep the full name).
std::string SpecConfigName(crds::Kind kind, const std::string& name, const std::string& content_hash);

// The sha256 hex of what the store writes for `object` (its canonical YAML). It changes with anything the
// stored document holds (metadata labels too), unlike ObjectBase::hash, which covers the spec only.
std::string StoredContentHash(const crds::ObjectBase& object);

// Parses the engine's RFC 3339 timestamps ("2026-11-27T05:40:01.12345Z", "...+01:00"); nullopt when
// malformed. Go trims trailing zeros from the fraction, so these strings do not sort as text.
std::optional<std::chrono::system_clock::time_point> ParseEngineTime(std::string_view text);

// One spec as stored: the config that wins for its Kind/name.
struct StoredSpec {
  crds::Kind kind = crds::Kind::kService;
  std::string name;
  std::string spec_hash;     // ObjectBase::hash of the stored document (the spec part)
  std::string content_hash;  // StoredContentHash
  // The spec's canonical YAML (what `swarmop export` prints); never null. Shared with the store's parse of
  // the config: each load copies every spec, and this is most of a spec's size.
  std::shared_ptr<const std::string> document;
  std::string config_id;
  std::string config_name;
  std::string created_at;  // as the engine reports it
  uint64_t version = 0;
  std::map<std::string, std::string> labels;  // the config's labels (status labels included)
  bool owned = false;                         // swarmop's managed-by label is set

  std::string Key() const;  // "Service/identity-api"
};

// A config that holds a Kind/name for which a newer config exists.
struct SupersededConfig {
  crds::Kind kind = crds::Kind::kService;
  std::string name;
  std::string config_id;
  std::string config_name;
  std::string winner_config_name;
  bool owned = false;
};

// A config that holds a swarmop manifest (or is labelled as a spec) but does not parse or validate.
struct InvalidConfig {
  std::string config_id;
  std::string config_name;
  bool owned = false;
  std::map<std::string, std::string> labels;
  std::vector<crds::Diagnostic> errors;   // file "config:<name>"
  std::vector<crds::ObjectKey> rejected;  // the Kind/name it tried to hold, when known
};

struct StoreContents {
  crds::DesiredState state;       // the winning specs, merged (sources "config:<name>")
  std::vector<StoredSpec> specs;  // one per winning spec, sorted by kind then name
  std::vector<SupersededConfig> superseded;
  std::vector<InvalidConfig> invalid;
  // CheckCrossReferences on `state`: the stored set as a whole is inconsistent (e.g. a Service names a
  // Site that was deleted). The specs are still listed.
  std::vector<crds::Diagnostic> cross_reference_errors;

  const StoredSpec* Find(crds::Kind kind, const std::string& name) const;
};

// What Apply does (or, from PlanApply, would do) for one spec of the files.
struct SpecWrite {
  enum class Action { kCreate, kUpdate, kUnchanged };
  Action action = Action::kUnchanged;
  crds::Kind kind = crds::Kind::kService;
  std::string name;
  std::string config_name;  // the config that holds the spec afterwards
  std::string spec_hash;
  engine::ConfigSpec config;                  // kCreate/kUpdate: the config to create
  std::vector<std::string> remove_configs;    // owned configs this spec no longer needs
  std::vector<std::string> unowned_leftover;  // hand-made configs now superseded; swarmop leaves them

  std::string Key() const;  // "Service/identity-api"
  // "Service/identity-api stored (config swarmop-service-identity-api-1a2b3c4d5e)" / "... unchanged".
  std::string Summary() const;
};

struct ApplySpecsPlan {
  // Validation problems (ParseSpecs of the files, then cross-references of the files merged over the
  // stored specs, reported where they point into the files). When not empty nothing may be written.
  std::vector<crds::Diagnostic> errors;
  std::vector<SpecWrite> writes;  // one per spec of the files, in kind then name order
  // The stored specs with the files' specs in their place: what the estate is once applied.
  crds::DesiredState merged;
  StoreContents before;  // what was stored when planned

  bool ok() const { return errors.empty(); }
  bool changes_anything() const;
};

struct ApplySpecsResult {
  ApplySpecsPlan plan;
  int writes = 0;  // engine writes made (creates + removes)
};

struct DeleteSpecResult {
  std::vector<std::string> removed;           // owned config names removed
  std::vector<std::string> unowned_leftover;  // configs holding the spec that swarmop does not own
};

struct SpecStoreOptions {
  // Applied when parsing stored configs (hand-made ones may carry `environments`). Stored canonical
  // documents have none, so it only matters for hand-made specs.
  crds::LoadOptions load;
  // How often SetStatusLabels re-reads and retries on "update out of sequence".
  int max_update_attempts = 5;
};

class SpecStore {
 public:
  // Borrows `engine`, which must outlive the store.
  explicit SpecStore(engine::Engine& engine, SpecStoreOptions options = {});

  // Lists every config (one list call; inspects only configs whose list entry lacks data) and sorts them
  // into winning specs, superseded and invalid configs. Fails only on engine errors.
  StatusOr<StoreContents> Load() const;
  // Load on a config listing the caller already holds (watch mode's resync shares its listing with the
  // actual-state cache): no list call; inspects only configs whose entry lacks data.
  StatusOr<StoreContents> LoadFrom(const std::vector<engine::Config>& configs) const;

  // Validates `files` against themselves and the stored specs and says, per spec, what Apply would write.
  // Reads only.
  // `extra_labels` (pull mode's io.swarmop.source/git-revision) go on the configs it would create.
  StatusOr<ApplySpecsPlan> PlanApply(const std::vector<crds::SourceFile>& files,
                                     const crds::LoadOptions& options = {},
                                     const std::map<std::string, std::string>& extra_labels = {}) const;

  // PlanApply, then, only when it found no error: creates the config of every new or changed spec and
  // removes the owned configs that held earlier versions. Applying the same files again writes nothing.
  // Validation errors are returned in result.plan.errors with zero writes (not as an error Status).
  StatusOr<ApplySpecsResult> Apply(const std::vector<crds::SourceFile>& files,
                                   const crds::LoadOptions& options = {},
                                   const std::map<std::string, std::string>& extra_labels = {});

  // Sets `labels` (none of them a status label) on the OWNED config `config_id`, keeping its other labels.
  // Writes nothing when they already match. Re-reads and retries on "update out of sequence".
  Status MergeOwnedLabels(const std::string& config_id, const std::map<std::string, std::string>& labels);

  // Removes every owned config that holds Kind/name (winner and superseded ones). kNotFound when no config
  // holds it. Configs of the spec that swarmop does not own are listed in unowned_leftover, never removed.
  StatusOr<DeleteSpecResult> Delete(crds::Kind kind, const std::string& name);

  // Sets the io.swarmop.status.* labels of Kind/name's winning config to `status` (every key must start
  // with kStatusLabelPrefix; status keys not in `status` are dropped; other labels are kept). Writes
  // nothing when they already match. Re-reads and retries on "update out of sequence".
  Status SetStatusLabels(crds::Kind kind, const std::string& name,
                         const std::map<std::string, std::string>& status);

 private:
  struct ParsedConfig;  // a config's parsed documents and their canonical YAML (load.cpp)

  Status ExecuteWrite(const SpecWrite& write, int& writes);
  // Parses `config` once: config data is immutable, so a config ID always holds the same documents.
  std::shared_ptr<const ParsedConfig> Parse(const engine::Config& config) const;

  engine::Engine& engine_;
  SpecStoreOptions options_;
  // Config ID -> parsed content, for the configs seen by the last Load(). Watch mode keeps one store and
  // loads every resync: without this, parsing and validating every stored spec again dominates the cost
  // of a no-op reconcile (bench/steady_state.sh).
  mutable std::mutex parse_cache_mu_;
  mutable std::map<std::string, std::shared_ptr<const ParsedConfig>> parse_cache_;
};

}  // namespace swarmop::reconciler
