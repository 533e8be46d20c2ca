#include "swarmop/reconciler/controller/event_router.h"

namespace swarmop::reconciler {
namespace {

std::string ActorName(const engine::Event& event) {
  auto it = event.actor.attributes.find("name");
  return it == event.actor.attributes.end() ? "" : it->second;
}

EventMarks MarkKey(const Request& key) { return EventMarks{{key}, false, false}; }
EventMarks Resync() { return EventMarks{{}, true, false}; }
EventMarks Nothing() { return EventMarks{}; }

EventMarks RouteService(const engine::Event& event, const OwnerIndex& index) {
  if (auto owner = OwnerIndex::Find(index.services, ActorName(event))) return MarkKey(*owner);
  return event.action == "remove" ? Nothing() : Resync();
}

EventMarks RouteNetwork(const engine::Event& event, const OwnerIndex& index) {
  if (auto owner = OwnerIndex::Find(index.networks, ActorName(event))) return MarkKey(*owner);
  return Nothing();  // networks swarmop needs are rendered from specs; a resync will create them
}

EventMarks RouteConfig(const engine::Event& event, const OwnerIndex& index, OwnWrites& own_writes) {
  std::string name = ActorName(event);
  if (event.action == "update" && own_writes.Consume(name)) return EventMarks{{}, false, true};
  EventMarks marks = Resync();  // specs may have changed: reload them
  if (auto owner = OwnerIndex::Find(index.configs, name)) marks.keys.push_back(*owner);
  return marks;
}

}  // namespace

EventMarks RouteEvent(const engine::Event& event, const OwnerIndex& index, OwnWrites& own_writes) {
  if (event.type == "service") return RouteService(event, index);
  if (event.type == "network") return RouteNetwork(event, index);
  if (event.type == "config") return RouteConfig(event, index, own_writes);
  if (event.type == "secret") return event.action == "update" ? Nothing() : Resync();
  if (event.type == "node") return Resync();
  return Nothing();
}

}  // namespace swarmop::reconciler
