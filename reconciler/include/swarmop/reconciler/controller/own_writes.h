// OwnWrites: the config label writes the controller itself just made (status labels). Each such write makes
// the engine emit a config "update" event; recognising it breaks the loop write -> event -> reconcile ->
// (nothing changed, no write). Even unrecognised, that loop ends after one no-op pass, since status is only
// written when it changes; this just saves the pass.
// Thread-safety: safe from any thread.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "swarmop/reconciler/core/clock.h"

namespace swarmop::reconciler {

class OwnWrites {
 public:
  explicit OwnWrites(const Clock& clock = SystemClock(),
                     std::chrono::milliseconds window = std::chrono::seconds(10))
      : clock_(clock), window_(window) {}

  // Remembers that we are about to update config `name`.
  void Record(const std::string& config_name);
  // True (once per recorded write) when an update event of `config_name` is most likely ours.
  bool Consume(const std::string& config_name);

 private:
  const Clock& clock_;
  std::chrono::milliseconds window_;
  std::mutex mu_;
  std::multimap<std::string, Clock::TimePoint> pending_;
};

}  // namespace swarmop::reconciler
