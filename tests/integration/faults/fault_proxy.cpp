#include "fault_proxy.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>

namespace swarmop::faults {
namespace {

using Clock = std::chrono::steady_clock;

// Buffered reads from a socket with a bound on each wait (a stuck peer must not hang the test).
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}

  std::optional<std::string> Until(const std::string& delimiter, size_t max) {
    for (;;) {
      size_t at = buffer_.find(delimiter);
      if (at != std::string::npos) return Take(at + delimiter.size());
      if (buffer_.size() > max || !Fill()) return std::nullopt;
    }
  }

  std::optional<std::string> Exactly(size_t n) {
    while (buffer_.size() < n)
      if (!Fill()) return std::nullopt;
    return Take(n);
  }

  std::string Rest() {
    while (Fill()) {
    }
    return Take(buffer_.size());
  }

  std::string TakeBuffered() { return Take(buffer_.size()); }

 private:
  bool Fill() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 60000) <= 0) return false;
    char chunk[16384];
    ssize_t n = ::read(fd_, chunk, sizeof(chunk));
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  std::string Take(size_t n) {
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
  }
  int fd_;
  std::string buffer_;
};

struct Head {
  std::string raw;                             // start line and headers, with the blank line
  std::string first, second;                   // method and target, or version and status
  std::map<std::string, std::string> headers;  // lower-case names
};

std::optional<Head> ParseHead(std::string raw) {
  Head head;
  head.raw = std::move(raw);
  size_t line_end = head.raw.find("\r\n");
  std::string start = head.raw.substr(0, line_end);
  size_t a = start.find(' ');
  if (a == std::string::npos) return std::nullopt;
  size_t b = start.find(' ', a + 1);
  head.first = start.substr(0, a);
  head.second = start.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  size_t at = line_end + 2;
  while (at < head.raw.size()) {
    size_t end = head.raw.find("\r\n", at);
    if (end == std::string::npos || end == at) break;
    std::string line = head.raw.substr(at, end - at);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      head.headers[name] = value;
    }
    at = end + 2;
  }
  return head;
}

std::string Header(const Head& head, const std::string& name) {
  auto it = head.headers.find(name);
  return it == head.headers.end() ? "" : it->second;
}

// The raw body bytes (chunk framing kept). `until_close` is set when the body ends with the connection.
std::optional<std::string> ReadBody(Reader& reader, const Head& head, bool response,
                                    const std::string& method, bool* until_close) {
  *until_close = false;
  if (response) {
    int status = std::atoi(head.second.c_str());
    if (status / 100 == 1 || status == 204 || status == 304 || method == "HEAD") return std::string();
  }
  if (Header(head, "transfer-encoding").find("chunked") != std::string::npos) {
    std::string raw;
    for (;;) {
      auto line = reader.Until("\r\n", 1 << 20);
      if (!line) return std::nullopt;
      raw += *line;
      size_t size = std::strtoul(line->c_str(), nullptr, 16);
      if (size == 0) {
        for (;;) {  // trailers up to the blank line
          auto trailer = reader.Until("\r\n", 1 << 20);
          if (!trailer) return std::nullopt;
          raw += *trailer;
          if (*trailer == "\r\n") return raw;
        }
      }
      auto data = reader.Exactly(size + 2);
      if (!data) return std::nullopt;
      raw += *data;
    }
  }
  std::string length = Header(head, "content-length");
  if (!length.empty()) return reader.Exactly(std::strtoul(length.c_str(), nullptr, 10));
  if (!response) return std::string();
  *until_close = true;
  return reader.Rest();
}

bool SendAll(int fd, const std::string& data) {
  for (size_t off = 0; off < data.size();) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

void Reset(int fd) {
  linger hard{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  ::shutdown(fd, SHUT_RDWR);
}

int ConnectUnix(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string EngineError(const std::string& message) {
  std::string body = "{\"message\":\"" + message + "\"}\n";
  return "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

bool IsWrite(const std::string& method) { return method != "GET" && method != "HEAD"; }

// Relays the event stream both ways until either side closes, or until `reset_at` (then resets the client).
void RelayStream(int client, int upstream, Reader& client_reader, Reader& upstream_reader,
                 std::optional<Clock::time_point> reset_at) {
  if (!SendAll(upstream, client_reader.TakeBuffered()) || !SendAll(client, upstream_reader.TakeBuffered()))
    return;
  pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
  char chunk[16384];
  for (;;) {
    if (reset_at && Clock::now() >= *reset_at) return Reset(client);
    if (::poll(fds, 2, 100) < 0) return;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, chunk, sizeof(chunk));
      if (n <= 0 || !SendAll(fds[1 - i].fd, std::string(chunk, static_cast<size_t>(n)))) return;
    }
  }
}

}  // namespace

const char* FaultName(Fault fault) {
  switch (fault) {
    case Fault::kNone:
      return "none";
    case Fault::kResetBefore:
      return "reset-before";
    case Fault::kResetAfter:
      return "reset-after";
    case Fault::kDelay:
      return "delay";
    case Fault::kHttp500:
      return "http-500";
    case Fault::kOutOfSequence:
      return "out-of-sequence";
    case Fault::kTruncatedBody:
      return "truncated-body";
  }
  return "?";
}

StatusOr<std::unique_ptr<FaultProxy>> FaultProxy::Start(const std::string& listen_path,
                                                        const std::string& upstream_path, FaultPlan plan) {
  std::unique_ptr<FaultProxy> proxy(new FaultProxy());
  proxy->path_ = listen_path;
  proxy->upstream_ = upstream_path;
  proxy->plan_ = plan;
  proxy->rng_.seed(plan.seed);
  ::unlink(listen_path.c_str());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, listen_path.c_str(), sizeof(addr.sun_path) - 1);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 128) != 0) {
    ::close(fd);
    return InternalError("fault proxy: cannot listen on " + listen_path + ": " + std::strerror(errno));
  }
  proxy->listen_fd_ = fd;
  std::printf(
      "fault proxy on %s -> %s: seed %llu, p(read) %.2f, p(write) %.2f, at most %d faults "
      "(SWARMOP_FAULT_SEED=%llu draws them again)\n",
      listen_path.c_str(), upstream_path.c_str(), static_cast<unsigned long long>(plan.seed),
      plan.probability, plan.write_probability, plan.max_faults, static_cast<unsigned long long>(plan.seed));
  std::fflush(stdout);
  proxy->accept_thread_ = std::thread([p = proxy.get()] { p->AcceptLoop(); });
  return proxy;
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (accept_thread_.joinable()) accept_thread_.join();
  ::close(listen_fd_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& thread : threads_) thread.join();
  ::unlink(path_.c_str());
}

void FaultProxy::SetWriteHook(std::function<HookAction(const ProxiedRequest&, HookPhase)> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  hook_ = std::move(hook);
}

std::vector<std::string> FaultProxy::FaultLog() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(client);
    threads_.emplace_back([this, client] { Serve(client); });
  }
}

Fault FaultProxy::Draw(const ProxiedRequest& request, int* delay_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  // The draws happen whatever the outcome, so one seed gives one sequence of draws.
  double roll = std::uniform_real_distribution<double>(0, 1)(rng_);
  uint64_t pick = rng_();
  *delay_ms = std::uniform_int_distribution<int>(100, static_cast<int>(plan_.max_delay.count()))(rng_);
  double probability = request.write_index > 0 ? plan_.write_probability : plan_.probability;
  if (!enabled_ || faults_ >= plan_.max_faults || roll >= probability) return Fault::kNone;
  std::vector<Fault> kinds = {Fault::kResetBefore, Fault::kDelay, Fault::kHttp500, Fault::kTruncatedBody,
                              Fault::kResetAfter};
  if (request.method == "POST" && request.target.find("/update") != std::string::npos) {
    kinds.push_back(Fault::kOutOfSequence);
    kinds.push_back(Fault::kOutOfSequence);  // the one Swarm produces on its own: drawn twice as often
  }
  ++faults_;
  return kinds[pick % kinds.size()];
}

void FaultProxy::Record(Fault fault, const ProxiedRequest& request, const std::string& detail) {
  std::string line = "fault " + std::to_string(faults_.load()) + "/" + std::to_string(plan_.max_faults) +
                     " [seed " + std::to_string(plan_.seed) + "]: " + FaultName(fault) + " " +
                     request.method + " " + request.target + detail;
  std::lock_guard<std::mutex> lock(mu_);
  log_.push_back(line);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

void FaultProxy::Serve(int client) {
  Reader from_client(client);
  int upstream = -1;
  std::optional<Reader> from_upstream;
  auto hook = [this](const ProxiedRequest& request, HookPhase phase) {
    std::function<HookAction(const ProxiedRequest&, HookPhase)> h;
    {
      std::lock_guard<std::mutex> lock(mu_);
      h = hook_;
    }
    return h && request.write_index > 0 ? h(request, phase) : HookAction::kContinue;
  };
  while (!stopping_) {
    auto raw_head = from_client.Until("\r\n\r\n", 1 << 20);
    if (!raw_head) break;
    std::optional<Head> head = ParseHead(*raw_head);
    if (!head) break;
    bool request_until_close = false;
    auto body = ReadBody(from_client, *head, false, head->first, &request_until_close);
    if (!body) break;
    ++requests_;
    ProxiedRequest request{head->first, head->second, IsWrite(head->first) ? ++writes_ : 0};
    bool events = head->second.find("/events") != std::string::npos;
    int delay_ms = 0;  // for kDelay, and for the event stream's reset
    Fault fault = Draw(request, &delay_ms);
    if (hook(request, HookPhase::kBeforeForward) == HookAction::kDrop) {
      Reset(client);
      break;
    }
    if (!events) {
      if (fault == Fault::kResetBefore) {
        Record(fault, request);
        Reset(client);
        break;
      }
      if (fault == Fault::kHttp500 || fault == Fault::kOutOfSequence) {
        Record(fault, request);
        std::string message = fault == Fault::kHttp500
                                  ? "injected fault: internal server error"
                                  : "rpc error: code = Unknown desc = update out of sequence";
        if (!SendAll(client, EngineError(message))) break;
        continue;
      }
      if (fault == Fault::kDelay) {
        Record(fault, request, " (" + std::to_string(delay_ms) + " ms)");
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      }
    }
    if (upstream < 0) {
      upstream = ConnectUnix(upstream_);
      if (upstream < 0) break;
      from_upstream.emplace(upstream);
    }
    if (!SendAll(upstream, *raw_head + *body)) break;
    if (events) {
      std::optional<Clock::time_point> reset_at;
      if (fault != Fault::kNone) {
        Record(Fault::kResetAfter, request, " (event stream, after " + std::to_string(delay_ms) + " ms)");
        reset_at = Clock::now() + std::chrono::milliseconds(delay_ms);
      }
      RelayStream(client, upstream, from_client, *from_upstream, reset_at);
      break;
    }
    auto answer_head_raw = from_upstream->Until("\r\n\r\n", 1 << 20);
    std::optional<Head> answer_head = answer_head_raw ? ParseHead(*answer_head_raw) : std::nullopt;
    if (!answer_head) break;
    bool until_close = false;
    auto answer_body = ReadBody(*from_upstream, *answer_head, true, head->first, &until_close);
    if (!answer_body) break;
    if (hook(request, HookPhase::kAfterAnswer) == HookAction::kDrop) {
      Reset(client);
      break;
    }
    if (fault == Fault::kResetAfter) {
      Record(fault, request, " (engine answered " + answer_head->second + ")");
      Reset(client);
      break;
    }
    if (fault == Fault::kTruncatedBody && answer_body->size() <= 1) {
      Record(fault, request, " (no body to cut: relayed whole)");
    } else if (fault == Fault::kTruncatedBody) {
      Record(fault, request,
             " (" + std::to_string(answer_body->size() / 2) + " of " + std::to_string(answer_body->size()) +
                 " bytes)");
      SendAll(client, *answer_head_raw + answer_body->substr(0, answer_body->size() / 2));
      break;
    }
    if (!SendAll(client, *answer_head_raw + *answer_body)) break;
    if (until_close || Header(*answer_head, "connection") == "close") break;
  }
  if (upstream >= 0) ::close(upstream);
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), client), open_fds_.end());
  ::close(client);
}

}  // namespace swarmop::faults
