#include "tcp_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <memory>

namespace swarmop::testsupport {
namespace {

// Runs `fn` with the calling thread inside network namespace `netns` (a name under /var/run/netns), then
// returns the thread to where it was. Sockets keep the namespace they were created in.
Status InNetns(const std::string& netns, const std::function<void()>& fn) {
  if (netns.empty()) {
    fn();
    return Status::Ok();
  }
  int self = ::open("/proc/thread-self/ns/net", O_RDONLY);
  int target = ::open(("/var/run/netns/" + netns).c_str(), O_RDONLY);
  if (self < 0 || target < 0 || ::setns(target, CLONE_NEWNET) != 0) {
    if (self >= 0) ::close(self);
    if (target >= 0) ::close(target);
    return InternalError("cannot enter network namespace " + netns + ": " + std::strerror(errno));
  }
  fn();
  int rc = ::setns(self, CLONE_NEWNET);
  ::close(self);
  ::close(target);
  return rc == 0 ? Status::Ok() : InternalError("cannot return from network namespace " + netns);
}

int ConnectUpstream(const Upstream& up) {
  int fd = -1;
  Status entered = InNetns(up.netns, [&] {
    if (!up.unix_socket.empty()) {
      fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      std::strncpy(addr.sun_path, up.unix_socket.c_str(), sizeof(addr.sun_path) - 1);
      if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        fd = -1;
      }
      return;
    }
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(up.tcp_port);
    ::inet_pton(AF_INET, up.tcp_ip.c_str(), &addr.sin_addr);
    timeval timeout{2, 0};  // a dark peer: give up like a client would
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(fd);
      fd = -1;
    }
  });
  return entered.ok() ? fd : -1;
}

// Copies from `from` to `to` until EOF or error, then half-closes `to`.
void Pump(int from, int to) {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(from, buf, sizeof(buf));
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(to, buf + off, n - off);
      if (w <= 0) {
        ::shutdown(to, SHUT_WR);
        return;
      }
      off += w;
    }
  }
  ::shutdown(to, SHUT_WR);
}

}  // namespace

StatusOr<std::unique_ptr<TcpForwarder>> TcpForwarder::Start(const std::string& listen_netns,
                                                            const std::string& listen_ip,
                                                            uint16_t listen_port, Upstream upstream) {
  std::unique_ptr<TcpForwarder> fw(new TcpForwarder());
  fw->upstream_ = std::move(upstream);
  Status bound_in_ns = InNetns(listen_netns, [&] {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(listen_port);
    ::inet_pton(AF_INET, listen_ip.c_str(), &addr.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 64) != 0) {
      ::close(fd);
      return;
    }
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    fw->port_ = ntohs(addr.sin_port);
    fw->listen_fd_ = fd;
  });
  SWARMOP_RETURN_IF_ERROR(bound_in_ns);
  if (fw->listen_fd_ < 0) {
    return InternalError("cannot listen on " + listen_ip + ":" + std::to_string(listen_port) + " in " +
                         (listen_netns.empty() ? "the test's namespace" : listen_netns) + ": " +
                         std::strerror(errno));
  }
  fw->accept_thread_ = std::thread([f = fw.get()] { f->AcceptLoop(); });
  return fw;
}

void TcpForwarder::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(client);
    threads_.emplace_back([this, client] { Relay(client); });
  }
}

void TcpForwarder::Relay(int client) {
  int upstream = ConnectUpstream(upstream_);
  if (upstream < 0) {
    ::shutdown(client, SHUT_RDWR);  // the client sees the connection drop, as with a dark peer
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(upstream);
  }
  std::thread back([client, upstream] { Pump(upstream, client); });
  Pump(client, upstream);
  back.join();
}

TcpForwarder::~TcpForwarder() {
  stopping_ = true;
  if (accept_thread_.joinable()) accept_thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : threads_) t.join();  // accept loop ended: no new threads
  for (int fd : open_fds_) ::close(fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

}  // namespace swarmop::testsupport
