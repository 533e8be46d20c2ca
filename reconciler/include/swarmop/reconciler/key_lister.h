// KeyLister: every key a resync queues: the stored specs (valid or not), plus the owners named by the
// labels of swarmop-owned services, networks and configs, so that a spec deleted while the operator was
// down still gets its objects pruned. Also builds the OwnerIndex events are routed with.
// Thread-safety: as safe as the engine and the cache are.
#pragma once

#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/owner_index.h"
#include "swarmop/reconciler/reconciler.h"
#include "swarmop/reconciler/spec_cache.h"

namespace swarmop::reconciler {

struct KeySnapshot {
  std::vector<Request> keys;  // sorted, unique
  OwnerIndex index;
};

class KeyLister {
 public:
  virtual ~KeyLister() = default;
  virtual StatusOr<KeySnapshot> ListKeys() = 0;
};

class EstateKeyLister : public KeyLister {
 public:
  // Borrows both; they must outlive this object.
  EstateKeyLister(engine::Engine& engine, SpecCache& specs) : engine_(engine), specs_(specs) {}
  StatusOr<KeySnapshot> ListKeys() override;

 private:
  engine::Engine& engine_;
  SpecCache& specs_;
};

}  // namespace swarmop::reconciler
