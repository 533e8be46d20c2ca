// NdjsonSplitter: turns a byte stream into lines. The engine flushes one event per chunk, but nothing
// guarantees that: a read may end mid-object or hold several objects. Internal to engine-client.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace swarmop::engine {

class NdjsonSplitter {
 public:
  // A line longer than this is dropped whole (the engine's events are a few hundred bytes): a stream that
  // never sends '\n' must not grow the buffer without bound.
  static constexpr size_t kMaxLineBytes = 1 << 20;

  explicit NdjsonSplitter(size_t max_line_bytes = kMaxLineBytes) : max_line_(max_line_bytes) {}

  // Appends `bytes` and returns every complete line (without its '\n'; a trailing '\r' is dropped; blank
  // lines and lines longer than the limit are skipped). An incomplete last line stays buffered for the
  // next call.
  std::vector<std::string> Feed(std::string_view bytes);

  // Lines dropped for being longer than the limit.
  size_t dropped() const { return dropped_; }

  // Bytes of the incomplete line held back.
  size_t pending() const { return buffer_.size(); }

  // Forgets a partial line (after a dropped connection its rest will never come).
  void Reset() {
    buffer_.clear();
    skipping_ = false;
  }

 private:
  size_t max_line_;
  std::string buffer_;
  bool skipping_ = false;  // inside a line that passed the limit: discard up to its '\n'
  size_t dropped_ = 0;
};

}  // namespace swarmop::engine
