#include "ndjson_splitter.h"

namespace swarmop::engine {

std::vector<std::string> NdjsonSplitter::Feed(std::string_view bytes) {
  std::vector<std::string> lines;
  buffer_.append(bytes);
  size_t start = 0;
  for (size_t newline = buffer_.find('\n'); newline != std::string::npos;
       newline = buffer_.find('\n', start)) {
    std::string_view line(buffer_.data() + start, newline - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) lines.emplace_back(line);
    start = newline + 1;
  }
  buffer_.erase(0, start);
  return lines;
}

}  // namespace swarmop::engine
