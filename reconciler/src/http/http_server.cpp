// The operator's listener over Boost.Beast (the only translation unit of the reconciler that includes it).
// cpprestsdk's http_listener served this before; it offers no header or body limit and no read deadline,
// so a client sending endless headers grew its buffer without bound and a silent one held its connection
// for ever (issue 14). Beast's parser has both limits and tcp_stream a deadline per operation.
#include "swarmop/reconciler/http/http_server.h"

#include <glog/logging.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <list>
#include <mutex>
#include <sstream>
#include <thread>

#include "swarmop/reconciler/http/http_request.h"

namespace swarmop::reconciler {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

std::optional<HostPort> SplitListenAddress(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return std::nullopt;
  HostPort out;
  out.host = listen.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  std::string port = listen.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  unsigned long value = std::stoul(port);
  if (value > 65535) return std::nullopt;
  out.port = static_cast<uint16_t>(value);
  return out;
}

std::optional<asio::ip::address> HostAddress(const std::string& host) {
  if (host == "localhost") return asio::ip::make_address("127.0.0.1");
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return address;
}

// A connection the registry can close to make room (eviction runs on the connection's own strand).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void Evict() = 0;
  // When it started waiting for its current request; nullopt while a response is being written.
  virtual std::optional<Clock::time_point> WaitingSince() const = 0;
};

// Every open connection; at the cap the one that has waited longest for its request is closed.
class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(size_t max) : max_(max) {}

  void Add(const std::shared_ptr<Connection>& connection) {
    std::shared_ptr<Connection> victim;
    {
      std::lock_guard<std::mutex> lock(mu_);
      connections_.remove_if([](const std::weak_ptr<Connection>& c) { return c.expired(); });
      if (connections_.size() >= max_) victim = OldestWaitingLocked();
      connections_.push_back(connection);
    }
    if (victim) {
      LOG_EVERY_N(WARNING, 100) << "http: " << max_
                                << " connections open: closing the one that waited longest for its request";
      victim->Evict();
    }
  }

  void EvictAll() {
    std::list<std::weak_ptr<Connection>> all;
    {
      std::lock_guard<std::mutex> lock(mu_);
      all.swap(connections_);
    }
    for (auto& weak : all)
      if (auto c = weak.lock()) c->Evict();
  }

 private:
  std::shared_ptr<Connection> OldestWaitingLocked() {
    std::shared_ptr<Connection> oldest;
    Clock::time_point oldest_since = Clock::time_point::max();
    for (auto& weak : connections_) {
      auto c = weak.lock();
      if (!c) continue;
      std::optional<Clock::time_point> since = c->WaitingSince();
      if (since && *since < oldest_since) {
        oldest_since = *since;
        oldest = c;
      }
    }
    return oldest;
  }

  const size_t max_;
  std::mutex mu_;
  std::list<std::weak_ptr<Connection>> connections_;
};

struct Shared {
  Shared(HttpServerOptions o, HttpRoutes r, std::shared_ptr<asio::ssl::context> t)
      : options(std::move(o)), routes(std::move(r)), registry(options.max_connections), tls(std::move(t)) {}
  HttpServerOptions options;
  HttpRoutes routes;
  ConnectionRegistry registry;
  std::shared_ptr<asio::ssl::context> tls;  // null: plain HTTP
};

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

http::response<http::string_body> ToBeast(const HttpResponse& answer, unsigned version, bool keep_alive) {
  http::response<http::string_body> response{static_cast<http::status>(answer.status), version};
  response.set(http::field::server, "swarmop");
  response.set(http::field::content_type, answer.content_type);
  response.set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : answer.headers) response.set(name, value);
  response.body() = answer.body;
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

using Parser = http::request_parser<http::string_body>;

bool IsPostRoute(const HttpServerOptions& options, beast::string_view method, beast::string_view target) {
  if (method != "POST") return false;
  std::string path(target.substr(0, target.find('?')));
  return options.post_routes.count(path) > 0;
}

// Beast checks a Content-Length against the body limit while it reads the header, so the limit set before
// the header is the largest any path allows; BodyLimitFor then narrows it to the request's path.
void Limit(Parser& parser, const HttpServerOptions& options) {
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser.body_limit(options.post_routes.empty() ? options.body_limit
                                                : std::max(options.body_limit, options.post_body_limit));
}

// Once the header is read: the body limit of this request's path (post_body_limit for a POST to a webhook
// path, body_limit otherwise), set on the parser for a chunked body; false when its Content-Length is over.
bool BodyLimitFor(Parser& parser, const HttpServerOptions& options) {
  const auto& header = parser.get();
  const size_t limit = IsPostRoute(options, header.method_string(), header.target()) ? options.post_body_limit
                                                                                     : options.body_limit;
  if (auto length = parser.content_length(); length && *length > limit) return false;
  parser.body_limit(limit);
  return true;
}

// What a finished read answers: a refusal for a request over a limit or malformed (`refused`: then the
// connection closes), the route's answer for a whole request, nullopt when the client went away.
std::optional<HttpResponse> AnswerRead(const Shared& shared, beast::error_code ec, const Parser& parser,
                                       bool* refused) {
  *refused = true;
  auto text = [](int status, const char* body) {
    return HttpResponse{status, "text/plain; charset=utf-8", body};
  };
  if (ec == http::error::header_limit) return text(431, "request header fields too large\n");
  if (ec == http::error::body_limit) return text(413, "request body too large\n");
  if (ec == http::error::end_of_stream || ec == http::error::need_more) return std::nullopt;
  if (ec) {
    if (parser.got_some() && ec.category() == http::make_error_code(http::error::bad_target).category())
      return text(400, "bad request\n");
    return std::nullopt;
  }
  *refused = false;
  const auto& request = parser.get();
  std::optional<std::string_view> authorization;
  if (auto it = request.find(http::field::authorization); it != request.end())
    authorization = View(it->value());
  HttpRequestView view{View(request.method_string()), View(request.target()), authorization};
  HttpPostRequest post;
  if (IsPostRoute(shared.options, request.method_string(), request.target())) {
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      post.headers[name] = std::string(field.value());
    }
    post.body = request.body();
    view.post = &post;
  }
  return AnswerHttpRequest(shared.routes, shared.options.post_routes, shared.options.access, view);
}

// One client connection: [TLS handshake] then read request, answer, repeat while keep-alive. Every step
// runs on the connection's strand; each read (handshake, header and body) has one deadline.
template <typename Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, std::shared_ptr<Shared> shared, std::string peer)
      : stream_(std::move(stream)), shared_(std::move(shared)), peer_(std::move(peer)) {}

  void Start() {
    shared_->registry.Add(this->shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->Begin(); });
  }

  void Evict() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      beast::error_code ec;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(self->stream_).close();
    });
  }

  std::optional<Clock::time_point> WaitingSince() const override {
    long long since = waiting_since_.load();
    if (since < 0) return std::nullopt;
    return Clock::time_point(Clock::duration(since));
  }

 private:
  void MarkWaiting() { waiting_since_ = Clock::now().time_since_epoch().count(); }

  void Begin() {
    MarkWaiting();
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Read();
    } else {
      beast::get_lowest_layer(stream_).expires_after(shared_->options.request_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) {
              VLOG(1) << "http: TLS handshake with " << self->peer_ << ": " << ec.message();
              return self->Close();
            }
            self->Read();
          });
    }
  }

  void Read() {
    MarkWaiting();
    parser_.emplace();
    Limit(*parser_, shared_->options);
    beast::get_lowest_layer(stream_).expires_after(shared_->options.request_timeout);
    // The header first: a POST to a webhook path may carry a bigger body than any other request.
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->OnRead(ec);
                              self->ReadBody();
                            });
  }

  void ReadBody() {
    if (!BodyLimitFor(*parser_, shared_->options)) return OnRead(http::error::body_limit);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == asio::error::operation_aborted) return Close();
    if (ec == beast::error::timeout) {
      VLOG(1) << "http: " << peer_ << " sent no whole request within the deadline: closing";
      return Close();
    }
    bool refused = false;
    std::optional<HttpResponse> answer = AnswerRead(*shared_, ec, *parser_, &refused);
    if (!answer) return Close();
    if (refused) return Refuse(std::move(*answer));
    const auto& request = parser_->get();
    if (answer->status == 401) {
      LOG_EVERY_N(WARNING, 20) << "http: unauthorized " << request.method_string() << " "
                               << request.target().substr(0, 200) << " from " << peer_
                               << (request.count(http::field::authorization) ? " (wrong token)"
                                                                             : " (no token)");
    }
    Write(ToBeast(*answer, request.version(), request.keep_alive()));
  }

  void Refuse(HttpResponse answer) {
    VLOG(1) << "http: " << answer.status << " for " << peer_;
    refused_ = true;
    Write(ToBeast(answer, 11, false));
  }

  // After a refusal the client may still be sending: closing with unread bytes would reset the connection
  // and could destroy the answer before the client reads it. Read and drop for at most a second.
  void Drain() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(16 * 1024),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return beast::get_lowest_layer(self->stream_).close();
                              self->Drain();
                            });
  }

  void Write(http::response<http::string_body> response) {
    waiting_since_ = -1;
    response_ = std::move(response);
    beast::get_lowest_layer(stream_).expires_after(shared_->options.request_timeout);
    http::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->response_.keep_alive()) return self->Close();
      self->Read();
    });
  }

  void Close() {
    waiting_since_ = -1;
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      if (refused_ && !ec) Drain();
    } else {
      // A TLS close_notify, bounded by the deadline; the peer may never answer it.
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::get_lowest_layer(self->stream_).close();
      });
    }
  }

  Stream stream_;
  std::shared_ptr<Shared> shared_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::atomic<long long> waiting_since_{-1};
  bool refused_ = false;
};

class BeastHttpServer : public HttpServer {
 public:
  BeastHttpServer(std::shared_ptr<Shared> shared)
      : shared_(std::move(shared)),
        io_(shared_->options.threads),
        acceptor_(asio::make_strand(io_)),
        accept_retry_(acceptor_.get_executor()) {}
  ~BeastHttpServer() override { Stop(); }

  Status Open(const asio::ip::address& address, uint16_t port) {
    tcp::endpoint endpoint(address, port);
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return UnavailableError("cannot listen on " + shared_->options.listen + ": " + ec.message());
    tcp::endpoint bound = acceptor_.local_endpoint();
    std::string host =
        bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string();
    address_ = std::string(shared_->tls ? "https://" : "http://") + host + ":" + std::to_string(bound.port());
    Accept();
    for (int i = 0; i < std::max(1, shared_->options.threads); ++i)
      threads_.emplace_back([this] { io_.run(); });
    return Status::Ok();
  }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    shared_->registry.EvictAll();
    io_.stop();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    beast::error_code ec;
    acceptor_.close(ec);  // no thread runs the io_context any more
    // Open connections close when the io_context is destroyed with this server.
  }

  std::string Address() const override { return address_; }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        Serve(std::move(socket));
        return Accept();
      }
      // EMFILE and the like: retrying at once would spin; the stuck connections' deadlines free descriptors.
      LOG_EVERY_N(WARNING, 100) << "http: accept: " << ec.message();
      accept_retry_.expires_after(std::chrono::milliseconds(100));
      accept_retry_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) Accept();
      });
    });
  }

  void Serve(tcp::socket socket) {
    beast::error_code ec;
    tcp::endpoint remote = socket.remote_endpoint(ec);
    std::string peer =
        ec ? std::string("unknown peer") : remote.address().to_string() + ":" + std::to_string(remote.port());
    beast::tcp_stream stream(std::move(socket));
    if (shared_->tls) {
      using TlsStream = beast::ssl_stream<beast::tcp_stream>;
      std::make_shared<Session<TlsStream>>(TlsStream(std::move(stream), *shared_->tls), shared_, peer)
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(std::move(stream), shared_, peer)->Start();
    }
  }

  std::shared_ptr<Shared> shared_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::vector<std::thread> threads_;
  std::string address_;
  std::atomic<bool> stopped_{false};
};

StatusOr<std::shared_ptr<asio::ssl::context>> TlsContext(const HttpServerOptions& options) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty())
    return InvalidArgumentError(
        "TLS needs both a certificate file and a key file (--tls-cert and --tls-key)");
  if (options.tls_cert_file.empty()) return std::shared_ptr<asio::ssl::context>();
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  beast::error_code ec;
  context->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec)
    return InvalidArgumentError("cannot load the TLS certificate " + options.tls_cert_file + ": " +
                                ec.message());
  context->use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
  if (ec)
    return InvalidArgumentError("cannot load the TLS key " + options.tls_key_file + ": " + ec.message());
  return context;
}

}  // namespace

bool IsLoopbackListenAddress(const std::string& listen_address) {
  std::optional<HostPort> split = SplitListenAddress(listen_address);
  if (!split) return false;
  std::optional<asio::ip::address> address = HostAddress(split->host);
  return address && address->is_loopback();
}

StatusOr<std::unique_ptr<HttpServer>> StartHttpServer(HttpServerOptions options, HttpRoutes routes) {
  std::optional<HostPort> split = SplitListenAddress(options.listen);
  if (!split) return InvalidArgumentError("listen address must be HOST:PORT, got \"" + options.listen + "\"");
  std::optional<asio::ip::address> address = HostAddress(split->host);
  if (!address)
    return InvalidArgumentError("invalid listen address \"" + options.listen +
                                "\" (an IP address is needed)");
  if (!options.access.bearer_token && !address->is_loopback()) {
    return InvalidArgumentError("refusing to serve /api/v1/status and /metrics on " + options.listen +
                                " without authentication: give --auth-token-file, or listen on 127.0.0.1");
  }
  if (options.access.bearer_token && options.access.bearer_token->empty())
    return InvalidArgumentError("the bearer token is empty");
  auto tls = TlsContext(options);
  if (!tls.ok()) return tls.status();
  options.max_connections = std::max<size_t>(1, options.max_connections);
  auto shared = std::make_shared<Shared>(std::move(options), std::move(routes), *tls);
  auto server = std::make_unique<BeastHttpServer>(shared);
  SWARMOP_RETURN_IF_ERROR(server->Open(*address, split->port));
  return std::unique_ptr<HttpServer>(std::move(server));
}

std::string AnswerRawHttpRequest(const HttpRoutes& routes, const HttpServerOptions& options,
                                 std::string_view bytes) {
  Shared shared(options, routes, nullptr);
  Parser parser;
  Limit(parser, options);
  parser.eager(false);  // stop after the header: a webhook path's body limit is set as the listener does
  beast::error_code ec;
  bool body_limited = false;
  while (!parser.is_done() && !bytes.empty()) {
    size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec) break;
    if (parser.is_header_done() && !body_limited) {
      body_limited = true;
      if (!BodyLimitFor(parser, options)) {
        ec = http::error::body_limit;
        break;
      }
      parser.eager(true);
    }
    if (used == 0) {
      ec = http::error::need_more;
      break;
    }
    bytes.remove_prefix(used);
  }
  if (!ec && !parser.is_done()) ec = http::error::need_more;
  bool refused = false;
  std::optional<HttpResponse> answer = AnswerRead(shared, ec, parser, &refused);
  if (!answer) return "";
  bool keep_alive = !refused && parser.get().keep_alive();
  std::ostringstream out;
  out << ToBeast(*answer, refused ? 11 : parser.get().version(), keep_alive);
  return out.str();
}

StatusOr<std::unique_ptr<HttpServer>> StartHttpServer(const std::string& listen_address, HttpRoutes routes) {
  HttpServerOptions options;
  options.listen = listen_address;
  return StartHttpServer(std::move(options), std::move(routes));
}

}  // namespace swarmop::reconciler
