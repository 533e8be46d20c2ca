// The only translation unit that includes Boost.Beast/Asio (it takes ~30 s to compile; keep it that way).
//
// Blocking calls with deadlines: every socket operation is started asynchronously on the connection's own
// io_context and driven with run_until(deadline); a missed deadline closes the socket, which aborts the
// operation. Streams run without a deadline and are woken by shutdown(2) from another thread.
// clang-format off
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>: include it first.
#include <utility>
// clang-format on

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "error_mapping.h"
#include "http_transport.h"

namespace swarmop::engine {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxIdleConnections = 4;
constexpr uint64_t kBodyLimit = 512ull << 20;  // a big list of services is a few MB; be generous

// Transport failure that is worth one retry on a fresh connection: the engine closed an idle keep-alive
// connection before reading our request.
bool IsStaleConnection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe;
}

class Connection {
 public:
  Connection(const Endpoint& endpoint, std::shared_ptr<asio::ssl::context> ssl)
      : endpoint_(endpoint), ssl_(std::move(ssl)) {}

  ~Connection() { Close(); }

  // Connects (and shakes hands for TLS) before `deadline`.
  Status Open(Clock::time_point deadline) {
    error_code ec;
    if (endpoint_.scheme == Endpoint::Scheme::kUnix) {
      unix_.emplace(ioc_);
      asio::local::stream_protocol::endpoint where(endpoint_.socket_path);
      ec = Run(deadline, [&](auto handler) { unix_->async_connect(where, handler); });
      if (!ec) fd_ = unix_->native_handle();
    } else {
      asio::ip::tcp::socket* socket = nullptr;
      if (ssl_) {
        tls_.emplace(ioc_, *ssl_);
        socket = &tls_->next_layer();
      } else {
        tcp_.emplace(ioc_);
        socket = &*tcp_;
      }
      asio::ip::tcp::resolver resolver(ioc_);
      asio::ip::tcp::resolver::results_type addresses;
      ec = Run(deadline, [&](auto handler) {
        resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                               [&, handler](error_code e, asio::ip::tcp::resolver::results_type r) mutable {
                                 addresses = std::move(r);
                                 handler(e);
                               });
      });
      if (!ec) ec = Run(deadline, [&](auto handler) { asio::async_connect(*socket, addresses, handler); });
      if (!ec) {
        error_code ignored;
        socket->set_option(asio::ip::tcp::no_delay(true), ignored);
        socket->set_option(asio::socket_base::keep_alive(true), ignored);
        fd_ = socket->native_handle();
      }
      if (!ec && tls_) {
        // SNI and host name verification, as the docker CLI does. OpenSSL checks the name itself (not a
        // verify callback), so that a mismatch is reported as one ("IP address mismatch").
        SSL* ssl = tls_->native_handle();
        SSL_set_tlsext_host_name(ssl, endpoint_.host.c_str());
        if (endpoint_.tls && endpoint_.tls->verify) {
          error_code not_ip;
          asio::ip::make_address(endpoint_.host, not_ip);
          if (not_ip) {
            SSL_set1_host(ssl, endpoint_.host.c_str());
          } else {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), endpoint_.host.c_str());
          }
        }
        ec = Run(deadline,
                 [&](auto handler) { tls_->async_handshake(asio::ssl::stream_base::client, handler); });
        if (ec) {
          std::string reason = "TLS handshake failed: " + ec.message();
          long verify = SSL_get_verify_result(ssl);
          if (verify != X509_V_OK) reason += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
          return ConnectError(endpoint_, reason);
        }
      }
    }
    if (ec == beast::error::timeout) {
      return ConnectError(endpoint_,
                          "no answer within " + std::to_string(endpoint_.connect_timeout.count()) + " ms");
    }
    if (ec) return ConnectError(endpoint_, ec.message());
    return Status::Ok();
  }

  // Writes the request and reads the whole response before `deadline`. `*stale` is set when the failure
  // happened before any response byte on a reused connection (safe to retry on a fresh one).
  StatusOr<HttpResponse> Exchange(const HttpRequest& request, Clock::time_point deadline, bool* stale) {
    *stale = false;
    auto message = BuildRequest(request);
    error_code ec = WithStream([&](auto& stream) {
      return Run(deadline, [&](auto handler) { http::async_write(stream, message, handler); });
    });
    if (ec) {
      *stale = IsStaleConnection(ec);
      return Failure(ec, request);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    ec = WithStream([&](auto& stream) {
      return Run(deadline, [&](auto handler) { http::async_read(stream, buffer_, parser, handler); });
    });
    if (ec) {
      *stale = !parser.got_some() && IsStaleConnection(ec);
      return Failure(ec, request);
    }
    auto& response = parser.get();
    reusable_ = response.keep_alive() && buffer_.size() == 0;
    return ToResponse(response, std::move(response.body()));
  }

  // Streaming: write the request and read the response header.
  StatusOr<int> StartStream(const HttpRequest& request, Clock::time_point deadline) {
    auto message = BuildRequest(request);
    error_code ec = WithStream([&](auto& stream) {
      return Run(deadline, [&](auto handler) { http::async_write(stream, message, handler); });
    });
    if (!ec) {
      stream_parser_.emplace();
      stream_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());  // an event stream has no end
      ec = WithStream([&](auto& stream) {
        return Run(deadline,
                   [&](auto handler) { http::async_read_header(stream, buffer_, *stream_parser_, handler); });
      });
    }
    if (ec) return Failure(ec, request);
    return static_cast<int>(stream_parser_->get().result_int());
  }

  // Next de-chunked body bytes of the stream; "" at the clean end. No deadline: Shutdown() wakes it.
  StatusOr<std::string> ReadBody() {
    char chunk[16384];
    for (;;) {
      if (stream_parser_->is_done()) return std::string();
      auto& body = stream_parser_->get().body();
      body.data = chunk;
      body.size = sizeof chunk;
      error_code ec = WithStream([&](auto& stream) {
        return Run(Clock::time_point::max(),
                   [&](auto handler) { http::async_read_some(stream, buffer_, *stream_parser_, handler); });
      });
      if (ec == http::error::need_buffer) ec = {};
      size_t n = sizeof chunk - body.size;
      if (n > 0) return std::string(chunk, n);  // deliver data even if the stream then broke
      if (ec) {
        if (shut_down_.load()) return UnavailableError("stream closed");
        return UnavailableError("stream from the Docker engine at " + endpoint_.ToString() +
                                " broke: " + ec.message());
      }
    }
  }

  // Safe from any thread: shutdown(2) on the descriptor wakes a blocked read.
  void Shutdown() {
    shut_down_.store(true);
    int fd = fd_.load();
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }

  bool reusable() const { return reusable_; }

 private:
  http::request<http::string_body> BuildRequest(const HttpRequest& request) {
    http::request<http::string_body> message{http::string_to_verb(request.method), request.target, 11};
    message.set(http::field::host,
                endpoint_.scheme == Endpoint::Scheme::kUnix ? std::string("docker") : endpoint_.host);
    message.set(http::field::user_agent, "swarmop");
    for (const auto& [name, value] : request.headers) message.set(name, value);
    if (!request.body.empty() || request.method == "POST") {
      message.set(http::field::content_type, "application/json");
      message.body() = request.body;
    }
    message.keep_alive(true);
    message.prepare_payload();
    return message;
  }

  template <typename Response>
  static HttpResponse ToResponse(const Response& response, std::string body) {
    HttpResponse out;
    out.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    out.body = std::move(body);
    return out;
  }

 public:
  // The header of a started stream, for error bodies.
  StatusOr<HttpResponse> ReadRestOfStream(Clock::time_point deadline) {
    HttpResponse out = ToResponse(stream_parser_->get(), std::string());
    while (!stream_parser_->is_done() && Clock::now() < deadline) {
      char chunk[4096];
      auto& body = stream_parser_->get().body();
      body.data = chunk;
      body.size = sizeof chunk;
      error_code ec = WithStream([&](auto& stream) {
        return Run(deadline,
                   [&](auto handler) { http::async_read_some(stream, buffer_, *stream_parser_, handler); });
      });
      if (ec == http::error::need_buffer) ec = {};
      out.body.append(chunk, sizeof chunk - body.size);
      if (ec) break;
    }
    return out;
  }

 private:
  Status Failure(const error_code& ec, const HttpRequest& request) {
    reusable_ = false;
    std::string what = request.method + " " + request.target;
    if (ec == beast::error::timeout) {
      return TimeoutError("no answer from the Docker engine at " + endpoint_.ToString() + " within " +
                          std::to_string(endpoint_.request_timeout.count()) + " ms (" + what + ")");
    }
    if (tls_ && ec.category() == asio::error::get_ssl_category()) {
      // TLS 1.3: the engine checks the client certificate after the client's handshake is done, so its
      // refusal (an alert: "bad certificate", "unknown ca", "certificate required") arrives here.
      return UnavailableError(
          "TLS error from the Docker engine at " + endpoint_.ToString() + ": " + ec.message() + " (" + what +
          "); an engine with --tlsverify refuses a client certificate its CA did not sign, "
          "or none: check DOCKER_CERT_PATH (cert.pem, key.pem) or the site's engine.tls");
    }
    return UnavailableError("lost the connection to the Docker engine at " + endpoint_.ToString() + ": " +
                            ec.message() + " (" + what + ")");
  }

  template <typename F>
  error_code WithStream(F&& f) {
    if (tls_) return f(*tls_);
    if (tcp_) return f(*tcp_);
    return f(*unix_);
  }

  // Runs one asynchronous operation to completion or until `deadline` (then closes the socket and reports
  // beast::error::timeout).
  template <typename Start>
  error_code Run(Clock::time_point deadline, Start&& start) {
    error_code result;
    bool done = false;
    start([&](error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc_.restart();
    if (deadline == Clock::time_point::max()) {
      ioc_.run();
    } else {
      ioc_.run_until(deadline);
    }
    if (!done) {
      CloseSockets();
      ioc_.restart();
      ioc_.run();  // lets the aborted operation finish
      return beast::error::timeout;
    }
    return result;
  }

  void CloseSockets() {
    error_code ignored;
    fd_.store(-1);
    if (unix_) unix_->close(ignored);
    if (tcp_) tcp_->close(ignored);
    if (tls_) tls_->next_layer().close(ignored);
  }

  void Close() { CloseSockets(); }

  const Endpoint endpoint_;
  std::shared_ptr<asio::ssl::context> ssl_;  // shared: a stream may outlive its transport
  asio::io_context ioc_{1};
  std::optional<asio::local::stream_protocol::socket> unix_;
  std::optional<asio::ip::tcp::socket> tcp_;
  std::optional<asio::ssl::stream<asio::ip::tcp::socket>> tls_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::buffer_body>> stream_parser_;
  std::atomic<int> fd_{-1};
  std::atomic<bool> shut_down_{false};
  bool reusable_ = false;
};

class BeastBodyReader : public HttpBodyReader {
 public:
  explicit BeastBodyReader(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
  StatusOr<std::string> ReadSome() override {
    try {
      return connection_->ReadBody();
    } catch (const std::exception& e) {
      return InternalError(std::string("HTTP transport: ") + e.what());
    }
  }
  void Shutdown() override { connection_->Shutdown(); }

 private:
  std::unique_ptr<Connection> connection_;
};

class BeastTransport : public HttpTransport {
 public:
  BeastTransport(const Endpoint& endpoint, std::shared_ptr<asio::ssl::context> ssl)
      : endpoint_(endpoint), ssl_(std::move(ssl)) {}

  const Endpoint& endpoint() const override { return endpoint_; }

  // Nothing may throw out of engine-client: Asio/Beast exceptions become kInternal.
  StatusOr<HttpResponse> RoundTrip(const HttpRequest& request) override {
    try {
      return DoRoundTrip(request);
    } catch (const std::exception& e) {
      return InternalError(std::string("HTTP transport: ") + e.what());
    }
  }

  StatusOr<std::unique_ptr<HttpBodyReader>> OpenStream(const HttpRequest& request) override {
    try {
      return DoOpenStream(request);
    } catch (const std::exception& e) {
      return InternalError(std::string("HTTP transport: ") + e.what());
    }
  }

 private:
  StatusOr<HttpResponse> DoRoundTrip(const HttpRequest& request) {
    Clock::time_point deadline = Clock::now() + endpoint_.request_timeout;
    for (int attempt = 0;; ++attempt) {
      bool reused = false;
      std::unique_ptr<Connection> connection = TakeIdle();
      if (connection) {
        reused = true;
      } else {
        connection = std::make_unique<Connection>(endpoint_, ssl_);
        SWARMOP_RETURN_IF_ERROR(
            connection->Open(std::min(deadline, Clock::now() + endpoint_.connect_timeout)));
      }
      bool stale = false;
      StatusOr<HttpResponse> response = connection->Exchange(request, deadline, &stale);
      if (!response.ok()) {
        if (reused && stale && attempt == 0) continue;  // the engine had closed an idle connection
        return response.status();
      }
      if (connection->reusable()) GiveBack(std::move(connection));
      return response;
    }
  }

  StatusOr<std::unique_ptr<HttpBodyReader>> DoOpenStream(const HttpRequest& request) {
    Clock::time_point deadline = Clock::now() + endpoint_.request_timeout;
    auto connection = std::make_unique<Connection>(endpoint_, ssl_);
    SWARMOP_RETURN_IF_ERROR(connection->Open(std::min(deadline, Clock::now() + endpoint_.connect_timeout)));
    StatusOr<int> status = connection->StartStream(request, deadline);
    if (!status.ok()) return status.status();
    if (*status < 200 || *status >= 300) {
      StatusOr<HttpResponse> rest = connection->ReadRestOfStream(deadline);
      return StatusFromHttp(*status, rest.ok() ? rest->body : std::string(),
                            request.method + " " + request.target);
    }
    return std::unique_ptr<HttpBodyReader>(new BeastBodyReader(std::move(connection)));
  }

  std::unique_ptr<Connection> TakeIdle() {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.empty()) return nullptr;
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }

  void GiveBack(std::unique_ptr<Connection> connection) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
  }

  const Endpoint endpoint_;
  std::shared_ptr<asio::ssl::context> ssl_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

// A TLS file that cannot be read is named, with what it is for, before OpenSSL's opaque "asio.ssl error".
Status CheckTlsFile(const std::string& path, const char* what) {
  if (path.empty() || ::access(path.c_str(), R_OK) == 0) return Status::Ok();
  return InvalidArgumentError(std::string("TLS set-up failed: the ") + what + " " + path +
                              " cannot be read: " + std::strerror(errno) +
                              " (DOCKER_CERT_PATH holds ca.pem, cert.pem and key.pem; a Site reads its "
                              "engine.tls secrets)");
}

StatusOr<std::unique_ptr<asio::ssl::context>> MakeSslContext(const TlsOptions& tls) {
  if (tls.verify) SWARMOP_RETURN_IF_ERROR(CheckTlsFile(tls.ca_file, "CA certificate"));
  if (!tls.cert_file.empty() && !tls.key_file.empty()) {
    SWARMOP_RETURN_IF_ERROR(CheckTlsFile(tls.cert_file, "client certificate"));
    SWARMOP_RETURN_IF_ERROR(CheckTlsFile(tls.key_file, "client key"));
  }
  try {
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
    if (tls.verify) {
      context->set_verify_mode(asio::ssl::verify_peer);
      if (!tls.ca_file.empty()) {
        context->load_verify_file(tls.ca_file);
      } else {
        context->set_default_verify_paths();
      }
    } else {
      context->set_verify_mode(asio::ssl::verify_none);
    }
    if (!tls.cert_file.empty() && !tls.key_file.empty()) {
      context->use_certificate_chain_file(tls.cert_file);
      context->use_private_key_file(tls.key_file, asio::ssl::context::pem);
    }
    return context;
  } catch (const boost::system::system_error& e) {
    return InvalidArgumentError("TLS set-up failed (ca " + tls.ca_file + ", cert " + tls.cert_file +
                                ", key " + tls.key_file + "): " + e.what() + " (check DOCKER_CERT_PATH)");
  }
}

}  // namespace

StatusOr<std::unique_ptr<HttpTransport>> NewBeastTransport(const Endpoint& endpoint) {
  std::shared_ptr<asio::ssl::context> ssl;
  if (endpoint.scheme == Endpoint::Scheme::kTcp && endpoint.tls) {
    auto made = MakeSslContext(*endpoint.tls);
    if (!made.ok()) return made.status();
    ssl = std::move(made).value();
  }
  return std::unique_ptr<HttpTransport>(new BeastTransport(endpoint, std::move(ssl)));
}

}  // namespace swarmop::engine
