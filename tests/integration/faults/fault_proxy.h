// FaultProxy: an HTTP proxy on a unix socket in front of the Docker engine's unix socket, injecting the
// faults a real link and a busy Swarm produce (issue 14): connection resets (before the request reaches the
// engine, or after the engine did the work and before the answer reaches the client), delays, HTTP 500s,
// "update out of sequence" answers to service updates, and truncated bodies. Faults follow a seeded random
// plan, are bounded in number, and each is printed ("fault 3/25 [seed 42]: reset-after POST /v1.41/...").
// The /events stream is relayed raw (faults there: a reset now and then, like a dropped link).
// Test-only; one thread per client connection, plain sockets, a minimal HTTP/1.1 framing (Content-Length
// and chunked).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "swarmop/base/status.h"

namespace swarmop::faults {

enum class Fault {
  kNone,
  kResetBefore,    // the connection is reset; the engine never sees the request
  kResetAfter,     // the engine answers (a write is done), then the client's connection is reset
  kDelay,          // the request waits 100..max_delay ms before it is forwarded
  kHttp500,        // 500 {"message":"injected fault: internal server error"}, not forwarded
  kOutOfSequence,  // POST .../update only: 500 "rpc error: code = Unknown desc = update out of sequence"
  kTruncatedBody,  // the engine's answer, its body cut in half, then the connection closes
};

const char* FaultName(Fault fault);

struct FaultPlan {
  uint64_t seed = 1;
  double probability = 0.25;        // per read (GET), the event stream included
  double write_probability = 0.25;  // per write (POST, DELETE, ...)
  int max_faults = 25;              // then the proxy only relays
  std::chrono::milliseconds max_delay{1500};
};

struct ProxiedRequest {
  std::string method;
  std::string target;
  int write_index = 0;  // 1-based among writes (any method but GET/HEAD); 0 for reads
};

enum class HookPhase { kBeforeForward, kAfterAnswer };
enum class HookAction { kContinue, kDrop };  // kDrop: reset the client's connection at this point

class FaultProxy {
 public:
  // Listens on `listen_path` (removed first if it exists) and connects to `upstream_path` per client.
  static StatusOr<std::unique_ptr<FaultProxy>> Start(const std::string& listen_path,
                                                     const std::string& upstream_path, FaultPlan plan);
  ~FaultProxy();

  // Called for every write at both phases, from the connection's thread (a test kills a client here).
  void SetWriteHook(std::function<HookAction(const ProxiedRequest&, HookPhase)> hook);
  void SetFaultsEnabled(bool enabled) { enabled_ = enabled; }

  const std::string& path() const { return path_; }
  int faults() const { return faults_; }
  int writes() const { return writes_; }
  int requests() const { return requests_; }
  std::vector<std::string> FaultLog() const;

 private:
  FaultProxy() = default;
  void AcceptLoop();
  void Serve(int client);
  Fault Draw(const ProxiedRequest& request, int* delay_ms);
  void Record(Fault fault, const ProxiedRequest& request, const std::string& detail = "");

  std::string path_;
  std::string upstream_;
  FaultPlan plan_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> enabled_{true};
  std::atomic<int> faults_{0};
  std::atomic<int> writes_{0};
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  std::vector<std::string> log_;
  std::function<HookAction(const ProxiedRequest&, HookPhase)> hook_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;
};

}  // namespace swarmop::faults
