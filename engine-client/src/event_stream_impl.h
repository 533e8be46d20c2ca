// The /events reader behind swarmop::engine::EventStream. Internal to engine-client.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "http_transport.h"
#include "swarmop/engine/event_stream.h"

namespace swarmop::engine {

// Builds the request target for a (re)connection; `since_unix_nano` is 0 for "only new events".
using EventsTarget = std::function<std::string(int64_t since_unix_nano)>;

// Opens the first connection synchronously (so a dead engine fails fast), then reads in the background.
StatusOr<std::unique_ptr<EventStream>> OpenEventStream(std::shared_ptr<HttpTransport> transport,
                                                       EventsTarget target, int64_t since_unix_nano);

}  // namespace swarmop::engine
