// What a --leader-elect replica needs besides the Operator: lease timings and connection, its name, and
// the HTTP surface it serves while it follows (operator_lifecycle.h).
#include <glog/logging.h>
#include <unistd.h>

#include "swarmop/reconciler/controller/metrics.h"
#include "swarmop/reconciler/controller/operator_lifecycle.h"
#include "swarmop/reconciler/controller/operator_routes.h"

namespace swarmop::reconciler {

StatusOr<LeaseOptions> LeaseTimings(std::chrono::milliseconds duration) {
  if (duration < std::chrono::seconds(1)) return InvalidArgumentError("must be at least 1s");
  LeaseOptions lease;
  lease.duration = duration;
  lease.renew_deadline = lease.duration * 2 / 3;
  lease.retry_period = lease.duration * 2 / 15;
  return lease;
}

std::string DefaultLeaseHolder() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

StatusOr<std::unique_ptr<engine::Engine>> ConnectForLease(engine::Endpoint endpoint) {
  endpoint.request_timeout = std::chrono::seconds(3);
  endpoint.connect_timeout = std::chrono::seconds(3);
  return engine::Connect(endpoint);
}

std::string ObservedHolder(const LeaderLease& lease) {
  std::optional<LeaseRecord> seen = lease.LastObserved();
  return seen && !seen->holder.empty() ? seen->holder : std::string("unknown");
}

HttpRoutes FollowerRoutes(std::function<std::string()> holder) {
  auto following = [holder](int status) {
    return [holder, status] {
      return HttpResponse{status, "text/plain; charset=utf-8", "following: the leader is " + holder() + "\n"};
    };
  };
  return HttpRoutes{
      {"/healthz", following(200)},
      {"/readyz", following(503)},
      {"/metrics",
       [] {
         return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", FollowerMetricsText()};
       }},
      {"/api/v1/status",
       [holder] {
         return HttpResponse{200, "application/json", FollowerStatusJson(holder())};
       }},
  };
}

LifecycleHooks OperatorHooks(engine::Engine& engine, const OperatorOptions& options,
                             const LeaderLease& lease) {
  LifecycleHooks hooks;
  hooks.start_operator = [&engine, &options]() -> StatusOr<std::function<void()>> {
    auto started = Operator::Start(engine, options);
    if (!started.ok()) return started.status();
    std::shared_ptr<Operator> op = std::move(started).value();
    return std::function<void()>([op] { op->Stop(); });
  };
  hooks.serve_follower = [&options, &lease]() -> std::function<void()> {
    if (options.listen.empty()) return nullptr;
    HttpServerOptions http = options.http;
    http.listen = options.listen;
    auto server = StartHttpServer(http, FollowerRoutes([&lease] { return ObservedHolder(lease); }));
    if (!server.ok()) {
      LOG(WARNING) << "following: cannot serve " << options.listen << ": " << server.status().ToString();
      return nullptr;
    }
    std::shared_ptr<HttpServer> shared = std::move(server).value();
    return [shared] { shared->Stop(); };
  };
  return hooks;
}

}  // namespace swarmop::reconciler
