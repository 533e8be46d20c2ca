// ScriptedServer: a tiny HTTP/1.1 server on a unix socket in a temp dir that stands in for dockerd.
// Each request goes to a handler that writes raw bytes, so tests control chunk boundaries, delays and
// dropped connections exactly. Plain POSIX sockets: no Beast here.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace swarmop::engine::testing {

struct ScriptedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  int connection = 0;  // 1, 2, ... in accept order
};

class ScriptedConnection {
 public:
  ScriptedConnection(int fd, const std::atomic<bool>* stopping) : fd_(fd), stopping_(stopping) {}
  // Writes bytes now (no buffering). Returns false when the peer has gone.
  bool Send(std::string_view bytes);
  // Sleeps up to `d`; returns true when the server is stopping.
  bool SleepOrStop(std::chrono::milliseconds d) const;

 private:
  int fd_;
  const std::atomic<bool>* stopping_;
};

// Returns true to keep the connection open for the next request, false to close it.
using ScriptedHandler = std::function<bool(const ScriptedRequest&, ScriptedConnection&)>;

class ScriptedServer {
 public:
  explicit ScriptedServer(ScriptedHandler handler);
  ~ScriptedServer();

  std::string socket_path() const { return socket_path_; }
  std::string docker_host() const { return "unix://" + socket_path_; }
  std::vector<ScriptedRequest> requests() const;
  int connections() const { return connections_.load(); }

  // A complete response with Content-Length.
  static std::string Response(int status, std::string_view body, std::string_view extra_headers = "");
  // Just the head of a chunked response; follow with Chunk() pieces and Chunk("") to end.
  static std::string ChunkedHead(int status = 200);
  static std::string Chunk(std::string_view data);

 private:
  void AcceptLoop();
  void Serve(int fd, int connection);

  ScriptedHandler handler_;
  std::string dir_;
  std::string socket_path_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<ScriptedRequest> requests_;
  std::vector<int> client_fds_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;
};

}  // namespace swarmop::engine::testing
