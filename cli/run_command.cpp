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
// (leader_lease.h), and only the holder runs the operator; a replica that follows still answers on --listen.
// The lifecycle itself is reconciler/controller/operator_lifecycle.h: this file parses flags and waits for
// the signals.
#include <glog/logging.h>
#include <malloc.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "cli_support.h"
#include "commands.h"
#include "run_git_flags.h"
#include "swarmop/engine/endpoint.h"
#include "swarmop/reconciler/controller/default_render.h"
#include "swarmop/reconciler/controller/operator.h"
#include "swarmop/reconciler/controller/operator_lifecycle.h"
#include "swarmop/reconciler/http/http_request.h"
#include "swarmop/reconciler/http/http_server.h"
#include "swarmop/reconciler/sites/estate_converge.h"

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
  // Separate-swarm sites' TLS material from a local directory instead of the Swarm secrets, as apply and
  // diff.
  options.sites.engines.tls_dir = reconciler::SiteEngineOptionsFromEnvironment().tls_dir;
  options.controller.workers = args.workers;
  options.load.environment = EnvironmentName(args.environment);
  options.reconcile.render =
      reconciler::DefaultRenderOptions();         // Replications too, as apply and diff render them
  options.reconcile.observe_replications = true;  // as apply and diff: steps follow completed jobs
  ApplyGitFlags(args.git, options);
  return options;
}

// glibc gives every thread that allocates its own arena (up to 8 per core) and keeps freed pages in each:
// a resync allocates the listings and the loaded specs on the workers' and the event thread's arenas, so
// the daemon's RSS settles above one pass's worth. Two arenas, listings' big buffers in mmap (given back on
// free) and a lower trim threshold cut RSS by about a sixth and the peak by a quarter at 5,000 services, for
// a little more CPU per resync (reconciler/src/controller/README.md); the controller trims after each pass.
void TuneAllocatorForADaemon() {
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 64 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

// Waits for SIGTERM or SIGINT for up to `timeout`, logging the one that came.
reconciler::StopWaiter SignalWaiter(sigset_t stop_signals) {
  return [stop_signals](std::chrono::milliseconds timeout) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    const timespec poll{static_cast<time_t>(seconds.count()),
                        static_cast<long>(std::chrono::nanoseconds(timeout - seconds).count())};
    const int received = sigtimedwait(&stop_signals, nullptr, &poll);
    if (received < 0) return false;
    LOG(INFO) << "received " << (received == SIGTERM ? "SIGTERM" : "SIGINT") << ": shutting down";
    return true;
  };
}

// --lease-duration D: the timings of reconciler::LeaseTimings.
reconciler::LeaseOptions LeaseTimings(const RunArgs& args) {
  auto lease = reconciler::LeaseTimings(PositiveDuration("--lease-duration", args.lease_duration));
  if (!lease.ok()) Fail(kExitError, "--lease-duration " + lease.status().message());
  return std::move(lease).value();
}

void RunElected(engine::Engine& engine, const reconciler::OperatorOptions& options,
                const reconciler::LeaseOptions& lease, sigset_t stop_signals) {
  auto endpoint = engine::EndpointFromEnvironment();
  if (!endpoint.ok()) Fail(kExitError, "DOCKER_HOST: " + endpoint.status().message());
  auto lease_engine = reconciler::ConnectForLease(*endpoint);
  if (!lease_engine.ok()) FailOnEngineError(lease_engine.status(), "connecting for the leader lease");
  Status ran =
      reconciler::RunElectedOperator(engine, **lease_engine, options, lease, SignalWaiter(stop_signals));
  if (!ran.ok()) FailOnEngineError(ran, "starting the operator");
}

void Run(const RunArgs& args) {
  FLAGS_minloglevel = google::GLOG_INFO;  // a daemon: its log is its output
  TuneAllocatorForADaemon();
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
    Status ran = reconciler::RunOperator(*engine, options, SignalWaiter(stop_signals));
    if (!ran.ok()) FailOnEngineError(ran, "starting the operator");
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
