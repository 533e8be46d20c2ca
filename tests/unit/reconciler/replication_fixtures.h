// Specs for the replication tests: the reference manifests as crds loads them, and small hand-made ones.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "swarmop/crds/load.h"
#include "swarmop/crds/model.h"

namespace swarmop::reconciler::testing {

// manifests/reference loaded by crds (so it passed every crds check), failing the test on errors.
inline crds::DesiredState ReferenceEstate() {
  auto sources = crds::ReadSources({std::string(SWARMOP_SOURCE_DIR) + "/manifests/reference"});
  EXPECT_TRUE(sources.ok()) << sources.status().ToString();
  if (!sources.ok()) return {};
  crds::LoadResult loaded = crds::LoadSpecs(*sources);
  EXPECT_TRUE(loaded.ok()) << crds::FormatDiagnostics(loaded.errors);
  return loaded.state;
}

inline const crds::Replication& Find(const crds::DesiredState& state, const std::string& name) {
  static const crds::Replication kNone;
  const crds::Replication* found = state.FindReplication(name);
  EXPECT_NE(found, nullptr) << name;
  return found != nullptr ? *found : kNone;
}

inline crds::Replication MongoReplication(const std::string& name, std::vector<crds::MongoMember> members) {
  crds::Replication r;
  r.metadata.name = name;
  r.hash = "hash-" + name;
  r.spec.engine = crds::DatabaseEngine::kMongoDb;
  r.spec.image = "mongo:7.0";
  r.spec.replica_set = "rs0";
  r.spec.key_file_secret = name + "-keyfile";
  r.spec.storage_volume = name + "-data";
  r.spec.members = std::move(members);
  return r;
}

inline crds::MongoMember Voter(const std::string& site, int priority = 1) {
  return {site, priority, 1, false, {}};
}
inline crds::MongoMember NonVoter(const std::string& site) { return {site, 0, 0, false, {}}; }

}  // namespace swarmop::reconciler::testing
