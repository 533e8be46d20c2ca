#include "units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

namespace swarmop::crds::internal {
namespace {

// Splits "1.5Gi" into 1.5 and "Gi"; nullopt without a leading number.
std::optional<std::pair<double, std::string>> SplitNumber(const std::string& text, size_t& pos) {
  size_t start = pos;
  while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
    ++pos;
  if (pos == start) return std::nullopt;
  // strtod, not stod: a number too large for a double is HUGE_VAL here, which the caller rejects, where stod
  // throws (a manifest must never end the process).
  const std::string digits = text.substr(start, pos - start);
  double number = std::strtod(digits.c_str(), nullptr);
  size_t unit_start = pos;
  while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
  return std::make_pair(number, text.substr(unit_start, pos - unit_start));
}

}  // namespace

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
  const double bytes = part->first * factor->second;
  if (!std::isfinite(bytes) || bytes >= 9223372036854775808.0) return std::nullopt;  // beyond int64
  return static_cast<int64_t>(std::llround(bytes));
}

}  // namespace swarmop::crds::internal
