// An entry of the engine's /events stream. Events are hints to look sooner, never the source of truth: the
// engine drops events for slow readers and replays only the last 256.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace swarmop::engine {

struct EventActor {
  std::string id;
  std::map<std::string, std::string> attributes;  // "name", "replicas.old", "updatestate.new", ...
};

struct Event {
  std::string type;    // service | node | config | secret | network | container | ...
  std::string action;  // create | update | remove | ...
  EventActor actor;
  std::string scope;  // swarm | local
  int64_t time_nano = 0;
};

}  // namespace swarmop::engine
