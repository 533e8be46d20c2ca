// swarmop install RELEASE CHART / swarmop upgrade RELEASE CHART [--install]: render the chart, validate every
// spec against the chart and the stored estate, store the specs as `apply` does (labelled
// io.swarmop.release=RELEASE), remove the release's specs the new render no longer holds, write the release
// record, then converge like apply. Nothing is written when any check fails.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "chart_support.h"
#include "cli_support.h"
#include "commands.h"
#include "estate_converge.h"
#include "swarmop/charts/release.h"
#include "swarmop/reconciler/core/labels.h"

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

enum class Mode { kInstall, kUpgrade };

std::string LabelOr(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

// A spec of the render that is already stored and is not this release's: installing would take it over.
int ReportTakeovers(const reconciler::ApplySpecsPlan& plan, const std::string& release) {
  int conflicts = 0;
  for (const reconciler::SpecWrite& write : plan.writes) {
    const reconciler::StoredSpec* current = plan.before.Find(write.kind, write.name);
    if (current == nullptr) continue;
    const std::string owner = LabelOr(current->labels, reconciler::labels::kRelease);
    if (current->owned && owner == release) continue;
    ++conflicts;
    std::cerr << write.Key() << " is already stored (config " << current->config_name << ") and "
              << (owner.empty() ? "belongs to no release (applied by hand)" : "belongs to release " + owner)
              << ": release " << release << " would take it over\n";
  }
  return conflicts;
}

void PrintWrites(const reconciler::ApplySpecsPlan& plan, bool dry_run) {
  for (const reconciler::SpecWrite& write : plan.writes) {
    if (dry_run && write.action != reconciler::SpecWrite::Action::kUnchanged) {
      std::cout << write.Key() << " would be stored (config " << write.config_name << ")\n";
    } else {
      std::cout << write.Summary() << "\n";
    }
  }
}

void RunRelease(const ReleaseArgs& args, Mode mode) {
  const std::chrono::milliseconds timeout = DurationFlagOrFail("--timeout", args.timeout);
  const charts::Chart chart = LoadChartOrFail(args.chart);
  // Registry credentials as `apply` sends them (~/.docker/config.json): a chart's images may be private.
  std::shared_ptr<const engine::RegistryAuth> registry_auth = RegistryAuthOrFail();
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment(registry_auth);
  auto existing = charts::FindRelease(*engine, args.release);
  if (!existing.ok()) FailOnEngineError(existing.status(), "reading release " + args.release);
  if (mode == Mode::kInstall && existing->has_value()) {
    Fail(kExitFailed, "release " + args.release + " exists (revision " +
                          std::to_string((*existing)->revision) + "): use `swarmop upgrade " + args.release +
                          " " + args.chart + "`");
  }
  if (mode == Mode::kUpgrade && !existing->has_value() && !args.install)
    Fail(kExitFailed,
         "no release " + args.release + ": use `swarmop install` or `swarmop upgrade --install`");

  charts::RenderRequest request;
  request.release = args.release;
  request.revision = existing->has_value() ? (*existing)->revision + 1 : 1;
  request.label_release = true;
  request.environment = EnvironmentName(args.environment);
  const charts::RenderResult rendered =
      RenderOrFail(chart, args.values, request, "nothing stored, nothing changed");

  reconciler::SpecStore store(*engine, {{EnvironmentName("")}});
  auto planned = store.PlanApply(rendered.manifests);
  if (!planned.ok()) FailOnEngineError(planned.status(), "reading the stored specs");
  if (!planned->ok()) {
    PrintDiagnostics(planned->errors);
    std::cerr << "nothing stored, nothing changed\n";
    throw CommandExit{kExitFailed};
  }
  if (ReportTakeovers(*planned, args.release) > 0) {
    std::cerr
        << "nothing stored, nothing changed (uninstall the other release or `swarmop delete` the spec)\n";
    throw CommandExit{kExitFailed};
  }
  // The release's specs that this render no longer holds (an upgrade that drops a template or a site).
  std::vector<std::string> rendered_keys;
  for (const reconciler::SpecWrite& write : planned->writes) rendered_keys.push_back(write.Key());
  std::vector<std::string> dropped;
  for (const reconciler::StoredSpec* spec : ReleaseSpecs(planned->before, args.release)) {
    if (std::find(rendered_keys.begin(), rendered_keys.end(), spec->Key()) == rendered_keys.end())
      dropped.push_back(spec->Key());
  }
  const crds::DesiredState desired = WithoutSpecs(planned->merged, dropped);
  if (!args.dry_run && CheckReferencesBeforeWriting(*engine, desired) > 0) {
    std::cerr << "nothing stored, nothing changed\n";
    throw CommandExit{kExitFailed};
  }

  const std::string what = "release " + args.release + " revision " + std::to_string(request.revision) +
                           " (" + chart.name + " " + chart.version + ")";
  if (args.dry_run) {
    PrintWrites(*planned, true);
    for (const std::string& key : dropped) std::cout << key << " would be deleted (no longer in the chart)\n";
    std::cout << what << " would be recorded\nswarm changes (dry run):\n";
    if (!PrintEstatePlan(*engine, desired)) std::cout << "none: the swarm already matches the specs\n";
    return;
  }
  auto applied = store.Apply(rendered.manifests);
  if (!applied.ok()) FailOnEngineError(applied.status(), "storing the specs");
  if (!applied->plan.ok()) {  // the store changed between plan and apply
    PrintDiagnostics(applied->plan.errors);
    throw CommandExit{kExitFailed};
  }
  PrintWrites(applied->plan, false);
  for (const std::string& key : dropped) {
    const auto slash = key.find('/');
    auto kind = reconciler::ParseKindName(key.substr(0, slash));
    auto deleted = store.Delete(*kind, key.substr(slash + 1));
    if (!deleted.ok() && deleted.status().code() != Code::kNotFound)
      FailOnEngineError(deleted.status(), "deleting " + key);
    std::cout << key << " deleted (no longer in the chart)\n";
  }
  charts::ReleaseRecord record;
  record.release = args.release;
  record.chart = chart.name;
  record.version = chart.version;
  record.app_version = chart.app_version;
  record.revision = request.revision;
  record.status = "deployed";
  record.values_json = rendered.values_json;
  record.specs = rendered_keys;
  std::sort(record.specs.begin(), record.specs.end());
  Status recorded = charts::WriteRelease(*engine, record);
  if (!recorded.ok()) FailOnEngineError(recorded, "recording release " + args.release);
  std::cout << what << " recorded\n";

  const int code = ConvergeEstate(*engine, desired, {args.wait, timeout, registry_auth});
  if (code != kExitOk) {
    Status marked = charts::SetReleaseStatus(*engine, args.release, "failed");
    if (!marked.ok())
      std::cerr << "swarmop: marking release " << args.release << " failed: " << marked.message() << "\n";
    throw CommandExit{code};
  }
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
  cmd->callback([args] { RunRelease(*args, Mode::kInstall); });
  auto up = std::make_shared<ReleaseArgs>();
  CLI::App* upgrade = AddReleaseOptions(
      app.add_subcommand("upgrade", "render a chart again for release RELEASE: store what changed, converge"),
      up);
  upgrade->add_flag("-i,--install", up->install, "install the release when it does not exist yet");
  upgrade->callback([up] { RunRelease(*up, Mode::kUpgrade); });
}

}  // namespace swarmop::cli
