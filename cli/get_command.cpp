// swarmop get [KIND [NAME]] [-o table|yaml|json]: the specs stored in the swarm, and what is wrong with the
// store (superseded and invalid configs) on stderr.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "commands.h"
#include "spec_status_text.h"
#include "store_report.h"
#include "swarmop/reconciler/gitops/git_source.h"
#include "swarmop/reconciler/sites/site_monitor.h"
#include "swarmop/reconciler/sites/site_report.h"

namespace swarmop::cli {
namespace {

struct GetArgs {
  std::string kind;
  std::string name;
  std::string output = "table";
};

nlohmann::json SpecJson(const reconciler::StoredSpec& spec) {
  nlohmann::json status = nlohmann::json::object();
  for (const auto& [key, value] : spec.labels) {
    if (key.rfind(reconciler::kStatusLabelPrefix, 0) == 0)
      status[key.substr(std::string(reconciler::kStatusLabelPrefix).size())] = value;
  }
  return {{"kind", crds::KindName(spec.kind)},
          {"name", spec.name},
          {"hash", spec.spec_hash},
          {"config", spec.config_name},
          {"configId", spec.config_id},
          {"createdAt", spec.created_at},
          {"owned", spec.owned},
          {"revision", spec.labels.count(reconciler::labels::kGitRevision)
                           ? spec.labels.at(reconciler::labels::kGitRevision)
                           : ""},
          {"status", status},
          {"summary", StatusText(spec.labels)}};
}

// `get sites`: the health of every site as seen now (one SiteMonitor round: node states for sites in this
// swarm, a probe of the engine for sites that are their own swarm) and the manager-placement warnings. The
// failover column only shows what this one round decided; the running operator's view is /api/v1/status.
void PrintSiteHealth(engine::Engine& engine, const crds::DesiredState& state) {
  reconciler::SiteMonitor monitor(engine, [&state]() -> StatusOr<crds::DesiredState> { return state; });
  Status ticked = monitor.Tick();
  if (!ticked.ok()) FailOnEngineError(ticked, "judging site health");
  std::cout << "\n" << reconciler::FormatSitesTable(monitor.Snapshot());
}

void RunGet(const GetArgs& args) {
  const OutputFormat format = ParseOutputFormat(args.output);
  const SpecSelector selector = ParseSelector(args.kind, args.name);
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment();
  reconciler::SpecStore store(*engine, {{EnvironmentName("")}});
  auto contents = store.Load();
  if (!contents.ok()) FailOnEngineError(contents.status(), "reading the stored specs");

  std::vector<const reconciler::StoredSpec*> selected;
  for (const reconciler::StoredSpec& spec : contents->specs) {
    if (selector.Matches(spec.kind, spec.name)) selected.push_back(&spec);
  }
  if (selected.empty() && !selector.name.empty())
    Fail(kExitFailed, std::string("no stored spec ") + crds::KindName(*selector.kind) + "/" + selector.name);

  switch (format) {
    case OutputFormat::kTable:
      if (selected.empty()) {
        std::cerr << "no specs stored\n";
      } else {
        std::cout << SpecTable(*contents, selector);
        if (selector.kind == crds::Kind::kSite && selector.name.empty())
          PrintSiteHealth(*engine, contents->state);
      }
      break;
    case OutputFormat::kYaml:
      for (size_t i = 0; i < selected.size(); ++i) std::cout << (i ? "---\n" : "") << *selected[i]->document;
      break;
    case OutputFormat::kJson: {
      nlohmann::json items = nlohmann::json::array();
      for (const reconciler::StoredSpec* spec : selected) items.push_back(SpecJson(*spec));
      std::cout << items.dump(2) << "\n";
      break;
    }
  }
  PrintStoreProblems(*contents, std::cerr);
}

}  // namespace

void AddGetCommand(CLI::App& app) {
  auto args = std::make_shared<GetArgs>();
  CLI::App* cmd = app.add_subcommand("get", "list the specs stored in the swarm (with status)");
  cmd->add_option("kind", args->kind,
                  "site, service or replication (singular or plural; KIND/NAME works too)");
  cmd->add_option("name", args->name, "metadata.name of one spec");
  cmd->add_option("-o,--output", args->output, "table (default), yaml or json");
  cmd->callback([args] { RunGet(*args); });
}

}  // namespace swarmop::cli
