// Release records: what `swarmop install/upgrade` installed, kept as one Swarm config per release (the
// newest revision; older ones are removed once the new one exists). The specs themselves live in the spec
// store (reconciler/spec_store.h), each labelled io.swarmop.release=<release>.
//
// Record config: name "swarmop-release-<release>-v<revision>", labels io.swarmop.role=release,
// io.swarmop.release=<release>, io.swarmop.release.revision/chart/version/status; data is JSON {release,
// chart, version, appVersion, revision, status, values, specs}. The status label is the one thing updated in
// place (configs are immutable otherwise): deployed, failed. Like the leader lease, a record carries no
// io.swarmop.managed-by label: the converge prunes every managed config no service uses, and a record is
// used by none.
// Thread-safety: as safe as the engine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"

namespace swarmop::charts {

struct ReleaseRecord {
  std::string release;
  std::string chart;
  std::string version;
  std::string app_version;
  int revision = 0;
  std::string status;              // "deployed", "failed"
  std::string values_json;         // the merged values
  std::vector<std::string> specs;  // "Service/identity-api", sorted
  std::string config_name;         // set when read
  std::string updated_at;          // the config's, when read
};

// Every release (newest revision of each), sorted by name.
StatusOr<std::vector<ReleaseRecord>> ListReleases(engine::Engine& engine);
// The newest record of `release`; nullopt when there is none.
StatusOr<std::optional<ReleaseRecord>> FindRelease(engine::Engine& engine, const std::string& release);
// Creates the record's config, then removes the release's older record configs.
Status WriteRelease(engine::Engine& engine, const ReleaseRecord& record);
// Sets the status label of the release's newest record.
Status SetReleaseStatus(engine::Engine& engine, const std::string& release, const std::string& status);
// Removes every record config of `release` (its specs are the caller's).
Status RemoveRelease(engine::Engine& engine, const std::string& release);

}  // namespace swarmop::charts
