// EventStream: an open /events subscription.
//
// A background reader splits the engine's NDJSON stream (chunked, any chunk boundaries) into events and
// queues them. When the connection drops, the reader reconnects with `since` = the time of the last event
// it delivered, skipping events already delivered; while the engine is unreachable it retries with backoff
// and reports the failure through Next().
//
// Thread-safety: Next() is meant for one consumer thread; Close() may be called from any thread at any time
// (it wakes a blocked Next()). Destroying the stream closes it.
#pragma once

#include <chrono>
#include <optional>

#include "swarmop/base/status.h"
#include "swarmop/engine/event.h"

namespace swarmop::engine {

class EventStream {
 public:
  virtual ~EventStream() = default;

  // Waits up to `timeout` for the next event.
  //  - an Event: the next event, in engine order;
  //  - std::nullopt: nothing arrived in time (the stream is fine);
  //  - an error: the connection broke and re-opening failed (kUnavailable, ...); the stream keeps retrying,
  //    so calling Next() again is allowed. After Close(): kUnavailable "event stream closed", at once.
  virtual StatusOr<std::optional<Event>> Next(std::chrono::milliseconds timeout) = 0;

  // Stops the reader and wakes any waiter. Idempotent.
  virtual void Close() = 0;
};

}  // namespace swarmop::engine
