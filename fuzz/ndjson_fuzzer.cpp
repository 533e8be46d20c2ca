// libFuzzer target: the NDJSON splitter of the /events stream, fed in chunks whose sizes come from the
// input itself. Checks what the event reader relies on: no line holds '\n', no line is blank or longer than
// the limit, and nothing is buffered past the limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ndjson_splitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t limit = 1 + data[0] % 64;  // small limits reach the long-line path
  swarmop::engine::NdjsonSplitter splitter(limit);
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t chunk = 1;
  while (!rest.empty()) {
    chunk = 1 + (static_cast<unsigned char>(rest[0]) * 7 + chunk) % 17;
    std::string_view piece = rest.substr(0, chunk);
    rest.remove_prefix(piece.size());
    for (const std::string& line : splitter.Feed(piece)) {
      if (line.find('\n') != std::string::npos || line.size() > limit ||
          line.find_first_not_of(" \t\r") == std::string::npos) {
        std::abort();
      }
    }
    if (splitter.pending() > limit) std::abort();
  }
  return 0;
}
