// TcpForwarder: relays TCP connections to an upstream, with either end in a chosen network namespace.
// The separate-swarm test bed exposes each dockerd on a unix socket only, and a unix socket ignores
// `testbed.sh partition`. To see a partition the way an operator would (engines reached over TCP across
// the underlay), each site's socket is published on <site ip>:2375 inside its namespace, and reached from
// a vantage namespace (another site) through a listener on 127.0.0.1 in the test's own namespace.
// Test-only; plain sockets and one thread per direction.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "swarmop/base/status.h"

namespace swarmop::testsupport {

struct Upstream {
  std::string unix_socket;  // either this ...
  std::string tcp_ip;       // ... or this and tcp_port
  uint16_t tcp_port = 0;
  std::string netns;  // namespace (ip netns name) to connect from; empty: the test's own
};

class TcpForwarder {
 public:
  // Listens on listen_ip:listen_port (0 = any free port) inside `listen_netns` (empty: the test's own).
  static StatusOr<std::unique_ptr<TcpForwarder>> Start(const std::string& listen_netns,
                                                       const std::string& listen_ip, uint16_t listen_port,
                                                       Upstream upstream);
  ~TcpForwarder();
  uint16_t port() const { return port_; }

 private:
  TcpForwarder() = default;
  void AcceptLoop();
  void Relay(int client);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  Upstream upstream_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;
};

}  // namespace swarmop::testsupport
