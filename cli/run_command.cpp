// swarmop run: watch mode. Connects to the engine (DOCKER_HOST & co.), serves /healthz, /readyz, /metrics
// and /api/v1/status on --listen, and reconciles the stored specs until SIGTERM or SIGINT: then it stops
// taking events, lets in-flight reconciles finish, closes the listener and exits 0.
//
// The listener (http_server.h): 127.0.0.1:8080 by default; any other address needs --auth-token-file
// (every path but /healthz, /readyz, and /metrics with --metrics-public, then needs the bearer token);
// --tls-cert/--tls-key serve HTTPS.
//
// Sites: a SiteMonitor judges every site each --site-interval; a site Unreachable for --failover-grace fails
// over to its partner, and fails back once Ready for --failback-hold.
//
// --leader-elect (off by default: one replica needs no lease): several replicas share the Swarm config lease
// (leader_lease.h), and only the holder runs the operator. The elector's callbacks only raise a flag; this
// thread starts and stops the Operator, so a callback never blocks on a reconcile in flight. Every write
// also asks LeaderLease::IsLeading(), which turns false on time even while this thread catches up.
// A replica that follows still answers on --listen: /healthz 200 (it is alive, so Swarm's healthcheck
// leaves it running), /readyz 503 and /api/v1/status {"leading": false, "holder": ...}.
#include <glog/logging.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "cli_support.h"
#include "commands.h"
#include "render_options.h"
#include "run_git_flags.h"
#include "swarmop/engine/endpoint.h"
#include "swarmop/reconciler/controller/metrics.h"
#include "swarmop/reconciler/controller/operator.h"
#include "swarmop/reconciler/controller/operator_routes.h"
#include "swarmop/reconciler/http/http_request.h"
#include "swarmop/reconciler/http/http_server.h"
#include "swarmop/reconciler/sites/leader_elector.h"
#include "swarmop/reconciler/sites/leader_lease.h"

namespace swarmop::cli {
namespace {

struct RunArgs {
  std::string listen = "127.0.0.1:8080";
  std::string auth_token_file;
  bool metrics_public = false;
  std::string tls_cert;
  std::string tls_key;
  std::string registry_auth_file;
  std::string resync = "30s";
  int workers = 2;
  std::string environment;
  std::string failover_grace = "60s";
  std::string failback_hold = "2m";
  std::string site_interval = "5s";
  bool leader_elect = false;
  std::string lease_duration = "15s";
  GitFlags git;  // pull mode (run_git_flags.h)
};

std::chrono::milliseconds PositiveDuration(const std::string& flag, const std::string& text) {
  return DurationFlagOrFail(flag, text, DurationSign::kPositive);
}

// Blocks SIGTERM/SIGINT in this thread and every thread started after it, so sigwait() below receives them
// instead of a random worker thread.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// --auth-token-file: every path but /healthz and /readyz (and /metrics with --metrics-public) needs
// "Authorization: Bearer <token>". The token is read once, at start (a Swarm secret changes by redeploy).
reconciler::HttpServerOptions HttpOptions(const RunArgs& args) {
  reconciler::HttpServerOptions http;
  http.listen = args.listen;
  if (!args.auth_token_file.empty()) {
    StatusOr<std::string> token = reconciler::ReadBearerTokenFile(args.auth_token_file);
    if (!token.ok()) Fail(kExitError, "--auth-token-file: " + token.status().message());
    http.access.bearer_token = std::move(token).value();
  }
  if (args.metrics_public) http.access.public_paths.insert("/metrics");
  http.tls_cert_file = args.tls_cert;
  http.tls_key_file = args.tls_key;
  if (!args.listen.empty() && !http.access.bearer_token &&
      !reconciler::IsLoopbackListenAddress(args.listen)) {
    Fail(kExitError,
         "--listen " + args.listen +
             " is reachable from other hosts: give --auth-token-file FILE (a Swarm secret), or listen "
             "on 127.0.0.1");
  }
  return http;
}

reconciler::OperatorOptions Options(const RunArgs& args) {
  if (args.workers < 1) Fail(kExitError, "--workers must be at least 1");
  reconciler::OperatorOptions options;
  options.listen = args.listen;
  options.http = HttpOptions(args);
  options.controller.resync = PositiveDuration("--resync", args.resync);
  options.sites.interval = PositiveDuration("--site-interval", args.site_interval);
  options.sites.failover.grace = PositiveDuration("--failover-grace", args.failover_grace);
  options.sites.failover.hold_down = PositiveDuration("--failback-hold", args.failback_hold);
  // Separate-swarm sites' TLS material from a local directory instead of the Swarm secrets (site_engines.h).
  if (const char* dir = std::getenv("SWARMOP_TLS_DIR"); dir && *dir) options.sites.engines.tls_dir = dir;
  options.controller.workers = args.workers;
  options.load.environment = EnvironmentName(args.environment);
  options.reconcile.render = SwarmopRenderOptions();  // Replications too, as apply and diff render them
  options.reconcile.observe_replications = true;      // as apply and diff: steps follow completed jobs
  ApplyGitFlags(args.git, options);
  return options;
}

void LogStopSignal(int received) {
  LOG(INFO) << "received " << (received == SIGTERM ? "SIGTERM" : "SIGINT") << ": shutting down";
}

void RunAlone(engine::Engine& engine, const reconciler::OperatorOptions& options, sigset_t stop_signals) {
  auto op = reconciler::Operator::Start(engine, options);
  if (!op.ok()) FailOnEngineError(op.status(), "starting the operator");
  int received = 0;
  sigwait(&stop_signals, &received);
  LogStopSignal(received);
  (*op)->Stop();
}

// The lease gets its own connection with a short request timeout: a hung lease call must not outlive the
// renew deadline, and must not queue behind the reconciler's calls.
std::unique_ptr<engine::Engine> ConnectForLease() {
  auto endpoint = engine::EndpointFromEnvironment();
  if (!endpoint.ok()) Fail(kExitError, "DOCKER_HOST: " + endpoint.status().message());
  endpoint->request_timeout = std::chrono::seconds(3);
  endpoint->connect_timeout = std::chrono::seconds(3);
  auto connected = engine::Connect(*endpoint);
  if (!connected.ok()) FailOnEngineError(connected.status(), "connecting for the leader lease");
  return std::move(connected).value();
}

// --lease-duration D: the leader stops acting 2/3 D after its last renewal and retries every 2/15 D
// (15 s: 10 s and 2 s), so a dead leader is replaced within about D + 2/15 D.
reconciler::LeaseOptions LeaseTimings(const RunArgs& args) {
  reconciler::LeaseOptions lease;
  lease.duration = PositiveDuration("--lease-duration", args.lease_duration);
  if (lease.duration < std::chrono::seconds(1)) Fail(kExitError, "--lease-duration must be at least 1s");
  lease.renew_deadline = lease.duration * 2 / 3;
  lease.retry_period = lease.duration * 2 / 15;
  return lease;
}

// The HTTP surface of a replica that follows (the leader's Operator serves the full one on the same
// address once it leads).
std::unique_ptr<reconciler::HttpServer> ServeFollower(const reconciler::OperatorOptions& options,
                                                      const reconciler::LeaderLease& lease) {
  if (options.listen.empty()) return nullptr;
  auto holder = [&lease] {
    std::optional<reconciler::LeaseRecord> seen = lease.LastObserved();
    return seen && !seen->holder.empty() ? seen->holder : std::string("unknown");
  };
  auto following = [holder](int status) {
    return [holder, status] {
      return reconciler::HttpResponse{status, "text/plain; charset=utf-8",
                                      "following: the leader is " + holder() + "\n"};
    };
  };
  reconciler::HttpRoutes routes{
      {"/healthz", following(200)},
      {"/readyz", following(503)},
      {"/metrics",
       [] {
         return reconciler::HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                                         reconciler::FollowerMetricsText()};
       }},
      {"/api/v1/status",
       [holder] {
         return reconciler::HttpResponse{200, "application/json", reconciler::FollowerStatusJson(holder())};
       }},
  };
  reconciler::HttpServerOptions http = options.http;
  http.listen = options.listen;
  auto server = reconciler::StartHttpServer(http, std::move(routes));
  if (!server.ok()) {
    LOG(WARNING) << "following: cannot serve " << options.listen << ": " << server.status().ToString();
    return nullptr;
  }
  return std::move(server).value();
}

std::string Holder() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

// Polls for a stop signal while following the elector's flag: the Operator runs exactly while leading.
void RunElected(engine::Engine& engine, reconciler::OperatorOptions options,
                reconciler::LeaseOptions lease_options, sigset_t stop_signals) {
  std::unique_ptr<engine::Engine> lease_engine = ConnectForLease();
  lease_options.holder = Holder();
  reconciler::LeaderLease lease(*lease_engine, lease_options);
  options.reconcile.may_write = [&lease] { return lease.IsLeading(); };
  std::atomic<bool> leading{false};
  reconciler::LeaderElector elector(
      lease, {[&] { leading = true; }, [&] { leading = false; },
              [](const Status& error) { LOG_EVERY_N(WARNING, 10) << "leader lease: " << error.ToString(); }});
  LOG(INFO) << "leader election as " << lease_options.holder << " on config " << lease_options.name;
  elector.Start();
  std::unique_ptr<reconciler::Operator> op;
  std::unique_ptr<reconciler::HttpServer> follower = ServeFollower(options, lease);
  const timespec poll{0, 200'000'000};
  int received = -1;
  while ((received = sigtimedwait(&stop_signals, nullptr, &poll)) < 0) {
    bool lead = leading.load() && lease.IsLeading();
    if (lead && !op) {
      LOG(INFO) << "started leading: reconciling";
      if (follower) follower->Stop();  // the Operator serves this address now
      follower.reset();
      auto started = reconciler::Operator::Start(engine, options);
      if (!started.ok()) FailOnEngineError(started.status(), "starting the operator");
      op = std::move(started).value();
    } else if (!lead && op) {
      LOG(WARNING) << "stopped leading: reconciling stops";
      op.reset();  // Stop: in-flight reconciles finish, and may_write already refuses their writes
      follower = ServeFollower(options, lease);
    }
  }
  LogStopSignal(received);
  op.reset();
  if (follower) follower->Stop();
  elector.Stop(/*release=*/true);
}

void Run(const RunArgs& args) {
  FLAGS_minloglevel = google::GLOG_INFO;  // a daemon: its log is its output
  reconciler::OperatorOptions options = Options(args);
  sigset_t stop_signals = BlockStopSignals();
  // Registry credentials for private images: a docker config.json in a Swarm secret (--registry-auth-file),
  // else the docker CLI's own file if the operator's container has one. Only registry names are logged.
  std::shared_ptr<const engine::RegistryAuth> registry_auth = RegistryAuthOrFail(args.registry_auth_file);
  if (!registry_auth->Registries().empty()) {
    std::string names;
    for (const std::string& r : registry_auth->Registries()) names += (names.empty() ? "" : ", ") + r;
    LOG(INFO) << "swarmop run: registry credentials for " << names << " (from " << registry_auth->source()
              << ")";
  }
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment(registry_auth);
  LOG(INFO) << "swarmop run: engine API " << engine->ApiVersion() << ", environment \""
            << options.load.environment << "\"";
  if (args.leader_elect) {
    RunElected(*engine, options, LeaseTimings(args), stop_signals);
  } else {
    RunAlone(*engine, options, stop_signals);
  }
  LOG(INFO) << "swarmop run: stopped";
}

}  // namespace

void AddRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "watch mode: reconcile the stored specs continuously");
  cmd->add_option("--listen", args->listen,
                  "HOST:PORT of /healthz, /readyz, /metrics, /api/v1/status (other than loopback: with "
                  "--auth-token-file)")
      ->capture_default_str();
  cmd->add_option(
      "--auth-token-file", args->auth_token_file,
      "file whose first line is the bearer token required for every path but /healthz and /readyz");
  cmd->add_flag("--metrics-public", args->metrics_public,
                "serve /metrics without the token (for a Prometheus that cannot send one)");
  cmd->add_option("--tls-cert", args->tls_cert,
                  "serve HTTPS with this PEM certificate chain (with --tls-key)");
  cmd->add_option("--tls-key", args->tls_key, "the PEM private key of --tls-cert");
  cmd->add_option(
      "--registry-auth-file", args->registry_auth_file,
      "a docker config.json (a Swarm secret, e.g. /run/secrets/registry-auth) whose auths are sent to "
      "the engine for private images (default: the docker CLI's ~/.docker/config.json, if any)");
  cmd->add_option("--resync", args->resync, "full resync period (90s, 2m, ...)")->capture_default_str();
  cmd->add_option("--workers", args->workers, "reconciles running at once (never two for one spec)")
      ->capture_default_str();
  cmd->add_option("--env", args->environment, "environment whose overrides apply (default: $SWARMOP_ENV)");
  cmd->add_option("--failover-grace", args->failover_grace,
                  "how long a site stays Unreachable before its partner takes over")
      ->capture_default_str();
  cmd->add_option("--failback-hold", args->failback_hold,
                  "how long a failed-over site stays Ready before its load goes back")
      ->capture_default_str();
  cmd->add_option("--site-interval", args->site_interval, "how often every site's health is checked")
      ->capture_default_str();
  cmd->add_flag("--leader-elect", args->leader_elect,
                "several replicas: only the holder of the swarmop-leader-lease config reconciles");
  cmd->add_option("--lease-duration", args->lease_duration,
                  "--leader-elect: a leader that stops renewing is replaced after about this long")
      ->capture_default_str();
  AddGitFlags(*cmd, args->git);
  cmd->callback([args] { Run(*args); });
}

}  // namespace swarmop::cli
