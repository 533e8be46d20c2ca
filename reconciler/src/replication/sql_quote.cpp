// Quoting for SQL and libpq conninfo values: spec values never reach SQL unquoted.
#include "postgres_internal.h"

namespace swarmop::reconciler {
namespace {

std::string Doubled(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    out += c;
    if (c == quote) out += quote;
  }
  return out + quote;
}

// libpq conninfo values: quoted with '' when they hold spaces, quotes or backslashes.
std::string ConninfoValue(const std::string& value) {
  if (!value.empty() && value.find_first_of(" '\\") == std::string::npos) return value;
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string QuoteLiteral(std::string_view text) { return Doubled(text, '\''); }

std::string QuoteIdentifier(std::string_view name) { return Doubled(name, '"'); }

std::string QuoteQualifiedName(std::string_view name) {
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return QuoteIdentifier(name);
  return QuoteIdentifier(name.substr(0, dot)) + "." + QuoteIdentifier(name.substr(dot + 1));
}

std::string JobConninfo(const PostgresLayout::Endpoint& endpoint, const std::string& tail) {
  std::string out = "host=" + ConninfoValue(endpoint.host) + " port=" + std::to_string(endpoint.port) +
                    " user=" + kPostgresUser;
  return tail.empty() ? out : out + " " + tail;
}

std::string Conninfo(const PostgresLayout::Endpoint& endpoint, const PostgresLayout& layout,
                     const std::string& tail) {
  return JobConninfo(endpoint,
                     "passfile=" + ConninfoValue(layout.passfile) + (tail.empty() ? "" : " " + tail));
}

}  // namespace swarmop::reconciler
