// Event routing: what an engine event marks dirty. Events never carry work themselves (swarmkit: "events
// only mark work dirty"); a reconcile re-reads the world. Choices, since 20.10 events carry names only:
//   service/network/config of a known owned object  -> that owner's key (from the OwnerIndex)
//   any other config create/update/remove           -> a resync: specs are reloaded (a hand-made
//                                                      `docker config create` spec has no labels at all)
//   an update event of a config we just labelled     -> nothing (our own status write, see OwnWrites)
//   unknown service create/update                    -> a resync (it may be ours, created since the index)
//   unknown service/network remove                   -> nothing (nothing to own any more)
//   secret create/remove                             -> a resync (a spec may have been waiting for it)
//   node events                                      -> a resync: every key (placement and site health)
// Thread-safety: pure function.
#pragma once

#include <vector>

#include "swarmop/engine/event.h"
#include "swarmop/reconciler/cache/owner_index.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/core/reconciler.h"

namespace swarmop::reconciler {

struct EventMarks {
  std::vector<Request> keys;  // reconcile these soon
  bool resync = false;        // reload specs and queue every key
  bool ignored_own_write = false;
};

EventMarks RouteEvent(const engine::Event& event, const OwnerIndex& index, OwnWrites& own_writes);

}  // namespace swarmop::reconciler
