// OwnerIndex: which spec owns each swarmop-owned Swarm object, by object name. Built from the last resync's
// listing, it lets an event (which on engine 20.10 carries only the object's name, not its labels) mark the
// one key it concerns instead of everything.
// Thread-safety: a plain value; the controller swaps whole snapshots under its lock.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "swarmop/reconciler/core/reconciler.h"

namespace swarmop::reconciler {

struct OwnerIndex {
  std::map<std::string, Request> services;  // Swarm service name -> owner key
  std::map<std::string, Request> networks;
  std::map<std::string, Request> configs;  // rendered configs, and spec configs -> their spec's key

  // The owner of `name` in `objects`, or nullopt.
  static std::optional<Request> Find(const std::map<std::string, Request>& objects, const std::string& name);
};

}  // namespace swarmop::reconciler
