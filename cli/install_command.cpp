// swarmop install RELEASE CHART / swarmop upgrade RELEASE CHART [--install]: render the chart, validate every
// spec against the chart and the stored estate, store the specs as `apply` does (labelled
// io.swarmop.release=RELEASE), remove the release's specs the new render no longer holds, write the release
// record, then converge like apply. Nothing is written when any check fails.
#include <CLI/CLI.hpp>

#include "chart_support.h"
#include "cli_support.h"
#include "commands.h"
#include "estate_converge.h"
#include "swarmop/reconciler/sites/chart_release.h"

namespace swarmop::cli {
namespace {

struct ReleaseArgs {
  std::string release;
  std::string chart;
  ChartValueArgs values;
  bool install = false;  // upgrade --install
  std::string environment;
  bool dry_run = false;
  bool wait = false;
  std::string timeout = "5m";
};

void RunRelease(const ReleaseArgs& args, reconciler::ReleaseMode mode) {
  const std::chrono::milliseconds timeout = DurationFlagOrFail("--timeout", args.timeout);
  const charts::Chart chart = LoadChartOrFail(args.chart);
  // Registry credentials as `apply` sends them (~/.docker/config.json): a chart's images may be private.
  std::shared_ptr<const engine::RegistryAuth> registry_auth = RegistryAuthOrFail();
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment(registry_auth);

  reconciler::ChartReleaseOptions options;
  options.release = args.release;
  options.chart_ref = args.chart;
  options.mode = mode;
  options.render.environment = EnvironmentName(args.environment);
  options.render.set_flags = args.values.sets;
  options.values_paths = args.values.files;
  options.read_values = ReadValuesFile;
  options.store_load = crds::LoadOptions{EnvironmentName("")};
  options.dry_run = args.dry_run;
  options.estate = EstateOptionsFor({args.wait, timeout, registry_auth});
  auto outcome = reconciler::InstallChart(*engine, chart, options, StandardStreams());
  if (!outcome.ok()) Fail(kExitError, outcome.status().message());
  if (!outcome->refusal.empty()) Fail(kExitFailed, outcome->refusal);
  if (outcome->verdict != reconciler::ReleaseVerdict::kDone) throw CommandExit{kExitFailed};
}

CLI::App* AddReleaseOptions(CLI::App* cmd, const std::shared_ptr<ReleaseArgs>& args) {
  cmd->add_option("release", args->release, "release name (labels its specs io.swarmop.release=RELEASE)")
      ->required();
  cmd->add_option("chart", args->chart, "chart folder, or the name of a chart shipped with swarmop")
      ->required();
  AddChartValueOptions(cmd, args->values);
  cmd->add_option("--env", args->environment,
                  "environment whose overrides the stored specs get, as in apply (default: $SWARMOP_ENV)");
  cmd->add_flag("--wait", args->wait, "wait until every service runs as desired; exit 1 if it does not");
  cmd->add_option("--timeout", args->timeout, "how long --wait waits (default 5m)");
  cmd->add_flag("--dry-run", args->dry_run, "print what would be stored and changed; write nothing");
  return cmd;
}

}  // namespace

void AddInstallCommand(CLI::App& app) {
  auto args = std::make_shared<ReleaseArgs>();
  CLI::App* cmd = AddReleaseOptions(
      app.add_subcommand("install", "render a chart, store its specs as release RELEASE and converge"), args);
  cmd->callback([args] { RunRelease(*args, reconciler::ReleaseMode::kInstall); });
  auto up = std::make_shared<ReleaseArgs>();
  CLI::App* upgrade = AddReleaseOptions(
      app.add_subcommand("upgrade", "render a chart again for release RELEASE: store what changed, converge"),
      up);
  upgrade->add_flag("-i,--install", up->install, "install the release when it does not exist yet");
  upgrade->callback([up] {
    RunRelease(*up,
               up->install ? reconciler::ReleaseMode::kUpgradeOrInstall : reconciler::ReleaseMode::kUpgrade);
  });
}

}  // namespace swarmop::cli
