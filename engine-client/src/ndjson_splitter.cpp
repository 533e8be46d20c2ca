#include "ndjson_splitter.h"

namespace swarmop::engine {

std::vector<std::string> NdjsonSplitter::Feed(std::string_view bytes) {
  std::vector<std::string> lines;
  while (!bytes.empty()) {
    const size_t newline = bytes.find('\n');
    const std::string_view head = bytes.substr(0, newline);  // up to '\n', or everything
    if (!skipping_) buffer_.append(head);
    if (!skipping_ && buffer_.size() > max_line_) {
      buffer_.clear();
      skipping_ = true;
      ++dropped_;
    }
    if (newline == std::string_view::npos) break;
    bytes.remove_prefix(newline + 1);
    if (skipping_) {
      skipping_ = false;
      continue;
    }
    std::string_view line(buffer_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.emplace_back(line);
    buffer_.clear();
  }
  return lines;
}

}  // namespace swarmop::engine
