// NdjsonSplitter: turns a byte stream into lines. The engine flushes one event per chunk, but nothing
// guarantees that: a read may end mid-object or hold several objects. Internal to engine-client.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace swarmop::engine {

class NdjsonSplitter {
 public:
  // Appends `bytes` and returns every complete line (without its '\n'; a trailing '\r' is dropped; blank
  // lines are skipped). An incomplete last line stays buffered for the next call.
  std::vector<std::string> Feed(std::string_view bytes);

  // Bytes of the incomplete line held back.
  size_t pending() const { return buffer_.size(); }

  // Forgets a partial line (after a dropped connection its rest will never come).
  void Reset() { buffer_.clear(); }

 private:
  std::string buffer_;
};

}  // namespace swarmop::engine
