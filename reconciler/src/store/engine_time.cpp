// ParseEngineTime: the engine's RFC 3339 timestamps, with a fraction of 0 to 9 digits.
#include <cctype>
#include <charconv>
#include <ctime>

#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

// Reads exactly `digits` decimal digits at text[pos]; advances pos.
bool ReadNumber(std::string_view text, size_t& pos, size_t digits, int& out) {
  if (pos + digits > text.size()) return false;
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + digits, out);
  if (ec != std::errc() || end != text.data() + pos + digits) return false;
  pos += digits;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || std::toupper(static_cast<unsigned char>(text[pos])) != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseEngineTime(std::string_view text) {
  std::tm tm{};
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadNumber(text, pos, 4, year) || !Expect(text, pos, '-') || !ReadNumber(text, pos, 2, month) ||
      !Expect(text, pos, '-') || !ReadNumber(text, pos, 2, day) || !Expect(text, pos, 'T') ||
      !ReadNumber(text, pos, 2, hour) || !Expect(text, pos, ':') || !ReadNumber(text, pos, 2, minute) ||
      !Expect(text, pos, ':') || !ReadNumber(text, pos, 2, second)) {
    return std::nullopt;
  }
  int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t scale = 100000000;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      nanos += (text[pos] - '0') * scale;  // digits past the 9th (none from Go) fall below a nanosecond
      scale /= 10;
      ++pos;
    }
  }
  int offset_seconds = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!ReadNumber(text, pos, 2, oh) || !Expect(text, pos, ':') || !ReadNumber(text, pos, 2, om))
      return std::nullopt;
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else if (!Expect(text, pos, 'Z')) {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t utc = timegm(&tm) - offset_seconds;
  return std::chrono::system_clock::from_time_t(utc) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(nanos));
}

}  // namespace swarmop::reconciler
