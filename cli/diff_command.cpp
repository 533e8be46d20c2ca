// swarmop diff -f PATH...: what `swarmop apply` would do, without writing: the specs it would store, then the
// Swarm changes (kubectl-diff-like). Exit 0 when nothing would change, 1 when something would, 2 on error
// (invalid manifests included: a diff of specs that cannot be applied means nothing).
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "commands.h"
#include "estate_converge.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::cli {
namespace {

struct DiffArgs {
  std::vector<std::string> paths;
  std::string environment;
  std::string output = "text";
};

const char* SpecOp(const reconciler::SpecWrite& write) {
  switch (write.action) {
    case reconciler::SpecWrite::Action::kCreate:
      return "create";
    case reconciler::SpecWrite::Action::kUpdate:
      return "update";
    case reconciler::SpecWrite::Action::kUnchanged:
      break;
  }
  return "unchanged";
}

bool SpecChanges(const reconciler::SpecWrite& write) {
  return write.action != reconciler::SpecWrite::Action::kUnchanged;
}

void RunDiff(const DiffArgs& args) {
  if (args.output != "text" && args.output != "json")
    Fail(kExitError, "-o " + args.output + ": use text or json");
  const std::vector<crds::SourceFile> files = ReadSourcesOrFail(args.paths);
  const crds::LoadOptions load{EnvironmentName(args.environment)};
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment();
  reconciler::SpecStore store(*engine, {load});
  auto planned = store.PlanApply(files, load);
  if (!planned.ok()) FailOnEngineError(planned.status(), "reading the stored specs");
  if (!planned->ok()) {
    PrintDiagnostics(planned->errors);
    throw CommandExit{kExitError};
  }
  const reconciler::PlanResult estate_plan = PlanEstateOrFail(*engine, planned->merged);
  const reconciler::PlanResult* estate = &estate_plan;

  bool changes = !estate->plan.empty();
  for (const reconciler::SpecWrite& write : planned->writes) changes = changes || SpecChanges(write);

  if (args.output == "json") {
    nlohmann::json specs = nlohmann::json::array();
    for (const reconciler::SpecWrite& write : planned->writes) {
      specs.push_back({{"op", SpecOp(write)},
                       {"kind", crds::KindName(write.kind)},
                       {"name", write.name},
                       {"config", write.config_name},
                       {"hash", write.spec_hash}});
    }
    nlohmann::json sites = nlohmann::json::array();
    bool unreachable = false;
    for (const SitePlanJson& site : SitePlansAsJson(planned->merged)) {
      nlohmann::json entry = {{"site", site.site}, {"endpoint", site.address}};
      if (site.error.empty()) {
        entry["plan"] = nlohmann::json::parse(site.plan_json);
      } else {
        entry["error"] = site.error;
      }
      unreachable = unreachable || !site.error.empty();
      changes = changes || site.changes;
      sites.push_back(std::move(entry));
    }
    nlohmann::json out = {{"specs", specs},
                          {"swarm", nlohmann::json::parse(reconciler::ToJson(estate->plan))},
                          {"sites", std::move(sites)}};
    std::cout << out.dump(2) << "\n";
    if (unreachable) throw CommandExit{kExitError};
  } else {
    for (const reconciler::SpecWrite& write : planned->writes) {
      if (SpecChanges(write)) std::cout << SpecOp(write) << " spec " << write.Key() << "\n";
    }
    std::cout << reconciler::ToString(estate->plan);
    // Separate-swarm sites, each planned against its own engine (JSON output includes them under "sites").
    const int sites = PrintSitePlans(planned->merged);
    if (sites == kExitError) throw CommandExit{kExitError};
    changes = changes || sites == kExitFailed;
  }
  if (changes) throw CommandExit{kExitFailed};
}

}  // namespace

void AddDiffCommand(CLI::App& app) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* cmd = app.add_subcommand("diff", "show what apply would store and change; exit 1 if anything");
  cmd->add_option("-f,--filename", args->paths, "manifest file, directory (recursive) or - for stdin")
      ->required();
  cmd->add_option("--env", args->environment, "environment whose overrides apply (default: $SWARMOP_ENV)");
  cmd->add_option("-o,--output", args->output, "text (default) or json");
  cmd->callback([args] { RunDiff(*args); });
}

}  // namespace swarmop::cli
