// swarmop run: watch mode. Connects to the engine (DOCKER_HOST & co.), serves /healthz, /readyz, /metrics
// and /api/v1/status on --listen, and reconciles the stored specs until SIGTERM or SIGINT: then it stops
// taking events, lets in-flight reconciles finish, closes the listener and exits 0.
#include <glog/logging.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "cli_support.h"
#include "commands.h"
#include "swarmop/reconciler/operator.h"

namespace swarmop::cli {
namespace {

struct RunArgs {
  std::string listen = "0.0.0.0:8080";
  std::string resync = "30s";
  int workers = 2;
  std::string environment;
};

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

reconciler::OperatorOptions Options(const RunArgs& args) {
  std::optional<std::chrono::milliseconds> resync = ParseDuration(args.resync);
  if (!resync || resync->count() <= 0) Fail(kExitError, "--resync: not a duration: " + args.resync);
  if (args.workers < 1) Fail(kExitError, "--workers must be at least 1");
  reconciler::OperatorOptions options;
  options.listen = args.listen;
  options.controller.resync = *resync;
  options.controller.workers = args.workers;
  options.load.environment = EnvironmentName(args.environment);
  return options;
}

void Run(const RunArgs& args) {
  FLAGS_minloglevel = google::GLOG_INFO;  // a daemon: its log is its output
  reconciler::OperatorOptions options = Options(args);
  sigset_t stop_signals = BlockStopSignals();
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment();
  LOG(INFO) << "swarmop run: engine API " << engine->ApiVersion() << ", environment \""
            << options.load.environment << "\"";
  auto op = reconciler::Operator::Start(*engine, options);
  if (!op.ok()) FailOnEngineError(op.status(), "starting the operator");
  int received = 0;
  sigwait(&stop_signals, &received);
  LOG(INFO) << "received " << (received == SIGTERM ? "SIGTERM" : "SIGINT") << ": shutting down";
  (*op)->Stop();
  LOG(INFO) << "swarmop run: stopped";
}

}  // namespace

void AddRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "watch mode: reconcile the stored specs continuously");
  cmd->add_option("--listen", args->listen, "HOST:PORT of /healthz, /readyz, /metrics, /api/v1/status")
      ->capture_default_str();
  cmd->add_option("--resync", args->resync, "full resync period (90s, 2m, ...)")->capture_default_str();
  cmd->add_option("--workers", args->workers, "reconciles running at once (never two for one spec)")
      ->capture_default_str();
  cmd->add_option("--env", args->environment, "environment whose overrides apply (default: $SWARMOP_ENV)");
  cmd->callback([args] { Run(*args); });
}

}  // namespace swarmop::cli
