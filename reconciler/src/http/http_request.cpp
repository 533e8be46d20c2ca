#include "swarmop/reconciler/http/http_request.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <exception>
#include <fstream>
#include <sstream>

namespace swarmop::reconciler {
namespace {

constexpr size_t kMaxTokenBytes = 4096;
constexpr char kRealm[] = "Bearer realm=\"swarmop\"";

HttpResponse Text(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body)};
}

HttpResponse Unauthorized(bool sent_credentials) {
  HttpResponse response = Text(401, "unauthorized: send Authorization: Bearer <token>\n");
  // RFC 6750 section 3: no error code when no credentials were sent, invalid_token when they were wrong.
  response.headers.emplace_back("WWW-Authenticate", sent_credentials
                                                        ? std::string(kRealm) + ", error=\"invalid_token\""
                                                        : std::string(kRealm));
  return response;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

void Digest(std::string_view text, unsigned char out[SHA256_DIGEST_LENGTH]) {
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out);
}

}  // namespace

bool BearerTokenMatches(const std::string& expected, std::string_view authorization) {
  authorization = Trim(authorization);
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() ||
      !EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme))
    return false;
  std::string_view rest = authorization.substr(kScheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return false;
  return SecretMatches(expected, Trim(rest));
}

bool SecretMatches(const std::string& expected, std::string_view presented) {
  unsigned char want[SHA256_DIGEST_LENGTH], got[SHA256_DIGEST_LENGTH];
  Digest(expected, want);
  Digest(presented, got);
  // Both the digest comparison and the emptiness check run whatever the inputs; expected is never empty.
  bool same = CRYPTO_memcmp(want, got, SHA256_DIGEST_LENGTH) == 0;
  return same && !expected.empty();
}

HttpResponse AnswerHttpRequest(const HttpRoutes& routes, const HttpPostRoutes& post_routes,
                               const HttpAccess& access, const HttpRequestView& request) {
  if (request.method == "POST") {
    std::string path(request.target.substr(0, request.target.find('?')));
    auto it = post_routes.find(path);
    if (it != post_routes.end()) {
      static const HttpPostRequest kEmpty;
      try {
        return it->second(request.post ? *request.post : kEmpty);
      } catch (const std::exception& e) {
        return Text(500, std::string("internal error: ") + e.what() + "\n");
      }
    }
  }
  return AnswerHttpRequest(routes, access, request);
}

HttpResponse AnswerHttpRequest(const HttpRoutes& routes, const HttpAccess& access,
                               const HttpRequestView& request) {
  std::string path(request.target.substr(0, request.target.find('?')));
  if (access.bearer_token && !access.public_paths.count(path)) {
    if (!request.authorization) return Unauthorized(false);
    if (!BearerTokenMatches(*access.bearer_token, *request.authorization)) return Unauthorized(true);
  }
  if (request.method != "GET") {
    HttpResponse response = Text(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET");
    return response;
  }
  auto it = routes.find(path);
  if (it == routes.end()) return Text(404, "not found\n");
  try {
    return it->second();
  } catch (const std::exception& e) {
    return Text(500, std::string("internal error: ") + e.what() + "\n");
  }
}

std::string DescribeAccess(const HttpAccess& access) {
  if (!access.bearer_token) return "no authentication";
  std::string text = "bearer token required";
  if (!access.public_paths.empty()) {
    text += " except";
    for (const auto& path : access.public_paths) text += " " + path;
  }
  return text;
}

StatusOr<std::string> ReadBearerTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read the token file " + path);
  std::string content(kMaxTokenBytes + 1, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<size_t>(in.gcount()));
  if (content.size() > kMaxTokenBytes)
    return InvalidArgumentError("the token file " + path + " is over " + std::to_string(kMaxTokenBytes) +
                                " bytes");
  std::string_view token = content;
  token = token.substr(0, token.find('\n'));
  token = Trim(token);
  if (token.empty())
    return InvalidArgumentError("the token file " + path + " holds no token on its first line");
  for (char c : token) {
    // RFC 6750 b64token characters are a subset of these; anything else cannot travel in a header.
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return InvalidArgumentError("the token file " + path +
                                  " holds a character a header cannot carry (space or control character)");
  }
  return std::string(token);
}

}  // namespace swarmop::reconciler
