// KeyLister: every key a resync queues: the stored specs (valid or not), plus the owners named by the
// labels of swarmop-owned services, networks and configs, so that a spec deleted while the operator was
// down still gets its objects pruned. Also builds the OwnerIndex events are routed with.
// With an ActualCache (watch mode) the listing is the cache's Fill, and the owners and the index come from
// the cache: one listing per resync serves the keys, the event routing and every key's reconcile.
// Thread-safety: as safe as the engine and the caches are.
#pragma once

#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/cache/actual_cache.h"
#include "swarmop/reconciler/cache/owner_index.h"
#include "swarmop/reconciler/controller/spec_cache.h"
#include "swarmop/reconciler/core/reconciler.h"

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
  // Also borrows `cache`, which it fills at every ListKeys.
  EstateKeyLister(engine::Engine& engine, SpecCache& specs, ActualCache* cache)
      : engine_(engine), specs_(specs), cache_(cache) {}
  StatusOr<KeySnapshot> ListKeys() override;

 private:
  StatusOr<KeySnapshot> ListFromCache();

  engine::Engine& engine_;
  SpecCache& specs_;
  ActualCache* cache_ = nullptr;
};

}  // namespace swarmop::reconciler
