// Loading specs: read sources, parse YAML, validate against the embedded CRD schemas, apply defaults and
// environment overrides, build the typed model, check cross-references across the whole set.
//
// Every problem is reported (not only the first) as a Diagnostic with file:line:column. Nothing throws.
// Thread-safety: all functions are thread-safe; the compiled schemas are built once, lazily, and shared.
// ParseSpecs/LoadSpecs parse sets of 128+ files on a few short-lived threads (results are in file order).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/diagnostic.h"
#include "swarmop/crds/limits.h"
#include "swarmop/crds/model.h"

namespace swarmop::crds {

struct SourceFile {
  std::string path;  // shown in diagnostics as given; "-" for stdin; "config:<name>" for a Swarm config
  std::string content;
  // Set by ReadSources when the source was bigger than ParseLimits::max_input_bytes: its size, while
  // `content` holds only the first bytes (a bigger source is rejected without being read whole).
  size_t original_size = 0;
};

struct LoadOptions {
  // Name of the environment whose `environments.<name>` overrides are applied to every Service (env merged,
  // sites replaced per site, replicas and image replaced). Empty = no overrides. The library never reads
  // SWARMOP_ENV itself; the CLI does and passes it here.
  std::string environment;
  // What one source may cost to parse (input size, alias expansion, nesting, documents, scalar length).
  ParseLimits limits{};
};

// Names a document that was rejected (it had errors): it exists, so references to it are not reported
// again as "no Site named ...".
struct ObjectKey {
  Kind kind;
  std::string name;
  bool operator==(const ObjectKey&) const = default;
};

struct LoadResult {
  DesiredState state;               // only the documents that had no errors, in file and document order
  std::vector<Diagnostic> errors;   // sorted by file, line, column
  std::vector<ObjectKey> rejected;  // documents left out of `state` because of errors (kind and name known)
  bool ok() const { return errors.empty(); }
};

// Parse + schema validation + defaults + model + cross-reference checks over every document of every file.
LoadResult LoadSpecs(const std::vector<SourceFile>& files, const LoadOptions& options = {});

// Parse + schema + defaults + model only (no cross-references). Use it to add documents incrementally,
// then run CheckCrossReferences on the merged DesiredState.
LoadResult ParseSpecs(const std::vector<SourceFile>& files, const LoadOptions& options = {});

// Cross-reference and semantic checks on a whole set (unknown sites, dependsOn cycles, duplicates, name
// limits, MongoDB voting rules, ...). Diagnostics point into each object's source.
// Names in `rejected` count as existing (their own errors are already reported).
std::vector<Diagnostic> CheckCrossReferences(const DesiredState& state,
                                             const std::vector<ObjectKey>& rejected = {});

// A Swarm config's content as a source: diagnostics then name the file "config:<config_name>".
SourceFile ConfigSource(std::string_view config_name, std::string content);

// Parses a spec stored as a Swarm config: exactly one manifest (document) is expected; more or none is an
// error. No cross-references: merge the result into the whole set and run CheckCrossReferences on it.
LoadResult ParseConfigSpec(std::string_view config_name, std::string content,
                           const LoadOptions& options = {});

// Cheap check (no YAML parse): does this text look like a swarmop manifest (an `apiVersion: swarmop.io/...`
// line)? Lets the operator skip unrelated Swarm configs.
bool LooksLikeSwarmopSpec(std::string_view content);

// Reads files and directories (recursively, *.yaml and *.yml, sorted by path); "-" reads stdin.
// Paths are kept as given (a directory "m" yields "m/app.yaml"). Fails on an unreadable path.
// A source bigger than `max_input_bytes` is not read whole: its first bytes and `original_size` are kept, and
// parsing it reports the limit.
StatusOr<std::vector<SourceFile>> ReadSources(const std::vector<std::string>& paths,
                                              size_t max_input_bytes = ParseLimits{}.max_input_bytes);

}  // namespace swarmop::crds
