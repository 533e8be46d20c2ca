// GitLab commit statuses over Boost.Beast's client (gitlab_commit_status.h says why not cpprestsdk).
#include "swarmop/reconciler/gitops/gitlab_commit_status.h"

#include <glog/logging.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "swarmop/base/url_encode.h"
#include "swarmop/reconciler/http/http_request.h"

namespace swarmop::reconciler {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Url {
  bool tls = false;
  std::string host, port, base_path;
};

std::optional<Url> ParseUrl(std::string url) {
  Url out;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    url = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    url = url.substr(7);
  } else {
    return std::nullopt;
  }
  const size_t slash = url.find('/');
  std::string authority = url.substr(0, slash);
  out.base_path = slash == std::string::npos ? "" : url.substr(slash);
  while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  const size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  } else {
    out.host = authority;
    out.port = out.tls ? "443" : "80";
  }
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  return out;
}

class GitlabCommitStatus : public CommitStatusSink {
 public:
  GitlabCommitStatus(GitlabCommitStatusOptions options, Url url, std::string token)
      : options_(std::move(options)), url_(std::move(url)), token_(std::move(token)) {}

  Status Report(const std::string& sha, CommitState state, const std::string& description) override {
    const CommitStatusRequest request = BuildCommitStatusRequest(options_, sha, state, description);
    http::request<http::string_body> message{http::verb::post, url_.base_path + request.target, 11};
    message.set(http::field::host, url_.host);
    message.set(http::field::user_agent, "swarmop");
    message.set(http::field::content_type, "application/json");
    message.set("PRIVATE-TOKEN", token_);
    message.body() = request.body;
    message.prepare_payload();
    try {
      const int code =
          url_.tls ? Send<beast::ssl_stream<beast::tcp_stream>>(message) : Send<beast::tcp_stream>(message);
      if (code == 201 || code == 200) return Status::Ok();
      return UnavailableError("GitLab answered " + std::to_string(code) + " to the " +
                              CommitStateName(state) + " status of " + sha.substr(0, 12));
    } catch (const std::exception& e) {
      return UnavailableError(std::string("reporting to GitLab: ") + e.what());
    }
  }

 private:
  template <typename Stream>
  int Send(http::request<http::string_body>& message) {
    asio::io_context io;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(url_.host, url_.port);
    http::response<http::string_body> response;
    beast::flat_buffer buffer;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      beast::tcp_stream stream(io);
      stream.expires_after(options_.timeout);
      stream.connect(endpoints);
      http::write(stream, message);
      http::read(stream, buffer, response);
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    } else {
      asio::ssl::context tls(asio::ssl::context::tls_client);
      tls.set_default_verify_paths();
      tls.set_verify_mode(asio::ssl::verify_peer);
      Stream stream(io, tls);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str()))
        throw std::runtime_error("cannot set the TLS server name");
      stream.set_verify_callback(asio::ssl::host_name_verification(url_.host));
      beast::get_lowest_layer(stream).expires_after(options_.timeout);
      beast::get_lowest_layer(stream).connect(endpoints);
      stream.handshake(asio::ssl::stream_base::client);
      http::write(stream, message);
      http::read(stream, buffer, response);
      beast::error_code ec;
      stream.shutdown(ec);
    }
    return static_cast<int>(response.result_int());
  }

  GitlabCommitStatusOptions options_;
  Url url_;
  std::string token_;
};

}  // namespace

const char* CommitStateName(CommitState state) {
  switch (state) {
    case CommitState::kRunning:
      return "running";
    case CommitState::kSuccess:
      return "success";
    case CommitState::kFailed:
      return "failed";
  }
  return "failed";
}

CommitStatusRequest BuildCommitStatusRequest(const GitlabCommitStatusOptions& options, const std::string& sha,
                                             CommitState state, const std::string& description) {
  nlohmann::json body = {{"state", CommitStateName(state)},
                         {"name", options.name},
                         // GitLab keeps descriptions short; the whole error list is in /api/v1/status.
                         {"description", description.substr(0, 255)}};
  if (!options.ref.empty()) body["ref"] = options.ref;
  if (!options.target_url.empty()) body["target_url"] = options.target_url;
  return {"/api/v4/projects/" + UrlEncode(options.project) + "/statuses/" + sha, body.dump()};
}

StatusOr<std::unique_ptr<CommitStatusSink>> NewGitlabCommitStatus(const GitlabCommitStatusOptions& options) {
  std::optional<Url> url = ParseUrl(options.api_url);
  if (!url)
    return InvalidArgumentError("--gitlab-api-url " + options.api_url + ": use http(s)://host[:port]");
  if (options.project.empty()) return InvalidArgumentError("--gitlab-project is empty");
  auto token = ReadBearerTokenFile(options.token_file);
  if (!token.ok()) return token.status().WithContext("--gitlab-token-file");
  return std::unique_ptr<CommitStatusSink>(
      std::make_unique<GitlabCommitStatus>(options, std::move(*url), std::move(*token)));
}

}  // namespace swarmop::reconciler
