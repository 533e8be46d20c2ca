#include "swarmop/base/duration.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace swarmop {
namespace {

constexpr std::array<std::pair<std::string_view, double>, 6> kNanosPerUnit = {{
    {"ns", 1},
    {"us", 1e3},
    {"ms", 1e6},
    {"s", 1e9},
    {"m", 60e9},
    {"h", 3600e9},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads "<digits>[.<digits>]" at `pos` by hand: std::stod would accept signs, exponents and "inf", and throw
// on overflow. nullopt without a digit.
std::optional<double> ReadNumber(std::string_view text, size_t& pos) {
  double value = 0;
  bool any_digit = false;
  while (pos < text.size() && IsDigit(text[pos])) {
    value = value * 10 + (text[pos++] - '0');
    any_digit = true;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    double scale = 0.1;
    while (pos < text.size() && IsDigit(text[pos])) {
      value += (text[pos++] - '0') * scale;
      scale /= 10;
      any_digit = true;
    }
  }
  if (!any_digit) return std::nullopt;
  return value;
}

std::optional<double> NanosPerUnit(std::string_view unit) {
  for (const auto& [name, nanos] : kNanosPerUnit) {
    if (name == unit) return nanos;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const std::optional<double> number = ReadNumber(text, pos);
    if (!number) return std::nullopt;
    const size_t unit_start = pos;
    while (pos < text.size() && IsLetter(text[pos])) ++pos;
    const std::optional<double> nanos = NanosPerUnit(text.substr(unit_start, pos - unit_start));
    if (!nanos) return std::nullopt;
    total += *number * *nanos;
  }
  // 2^63 is exactly representable as a double; anything at or above it does not fit in int64 nanoseconds.
  if (!std::isfinite(total) || total >= 9223372036854775808.0) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(total)));
}

}  // namespace swarmop
