#include "swarmop/reconciler/cache/owner_index.h"

namespace swarmop::reconciler {

std::optional<Request> OwnerIndex::Find(const std::map<std::string, Request>& objects,
                                        const std::string& name) {
  auto it = objects.find(name);
  if (it == objects.end()) return std::nullopt;
  return it->second;
}

}  // namespace swarmop::reconciler
