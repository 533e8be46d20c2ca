#include "units.h"

#include <cctype>
#include <cmath>
#include <map>

namespace swarmop::crds::internal {
namespace {

// Splits "1.5Gi" into 1.5 and "Gi"; nullopt without a leading number.
std::optional<std::pair<double, std::string>> SplitNumber(const std::string& text, size_t& pos) {
  size_t start = pos;
  while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
    ++pos;
  if (pos == start) return std::nullopt;
  double number = std::stod(text.substr(start, pos - start));
  size_t unit_start = pos;
  while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
  return std::make_pair(number, text.substr(unit_start, pos - unit_start));
}

}  // namespace

std::optional<Duration> ParseDuration(const std::string& text) {
  static const std::map<std::string, double> kNanos = {{"ns", 1},  {"us", 1e3}, {"ms", 1e6},
                                                       {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    auto part = SplitNumber(text, pos);
    if (!part) return std::nullopt;
    auto unit = kNanos.find(part->second);
    if (unit == kNanos.end()) return std::nullopt;
    total += part->first * unit->second;
  }
  return Duration(static_cast<int64_t>(std::llround(total)));
}

std::optional<int64_t> ParseMemoryBytes(const std::string& text) {
  static const std::map<std::string, double> kFactors = {
      {"", 1},           {"k", 1e3},           {"M", 1e6},
      {"G", 1e9},        {"T", 1e12},          {"Ki", 1024.0},
      {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}};
  size_t pos = 0;
  auto part = SplitNumber(text, pos);
  if (!part || pos != text.size()) return std::nullopt;
  auto factor = kFactors.find(part->second);
  if (factor == kFactors.end()) return std::nullopt;
  return static_cast<int64_t>(std::llround(part->first * factor->second));
}

}  // namespace swarmop::crds::internal
