#include "estate_converge.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>

#include "cli_support.h"
#include "render_options.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/core/missing_references.h"
#include "swarmop/reconciler/replication/plan_estate.h"
#include "swarmop/reconciler/sites/site_engines.h"

namespace swarmop::cli {
namespace {

// A separate-swarm Site (Site.spec.engine) reached for one command: its engine, or why it cannot be.
struct SiteSwarm {
  std::string site;
  std::string address;
  std::shared_ptr<engine::Engine> engine;  // null when unreachable
  Status error;
};

// Connects to every separate-swarm site at once (each with its own timeouts: a dark site costs its own
// timeout only). TLS material: the Site's secrets under /run/secrets, or <$SWARMOP_TLS_DIR>/<site>/.
std::vector<SiteSwarm> ConnectSites(const crds::DesiredState& desired) {
  reconciler::SiteEngineOptions options;
  if (const char* dir = std::getenv("SWARMOP_TLS_DIR"); dir && *dir) options.tls_dir = dir;
  std::vector<SiteSwarm> out;
  std::vector<reconciler::SiteEndpoint> endpoints;
  for (const crds::Site* site : reconciler::SeparateSwarmSites(desired)) {
    auto endpoint = reconciler::SiteEndpointFor(*site, options);
    if (endpoint.ok()) {
      endpoints.push_back(*endpoint);
    } else {
      out.push_back({site->name(), site->spec.engine->host, nullptr, endpoint.status()});
    }
  }
  reconciler::SiteEngines engines(endpoints);
  std::map<std::string, Status> probed;  // ProbeAll answers in name order
  for (reconciler::SiteProbe& probe : engines.ProbeAll()) probed[probe.site] = std::move(probe.status);
  for (const reconciler::SiteEndpoint& endpoint : endpoints) {
    SiteSwarm swarm{endpoint.site, endpoint.endpoint.ToString(), nullptr, probed[endpoint.site]};
    if (swarm.error.ok()) {
      auto engine = engines.EngineFor(swarm.site);  // shared: outlives `engines`
      if (engine.ok()) swarm.engine = *engine;
      swarm.error = engine.status();
    }
    out.push_back(std::move(swarm));
  }
  return out;
}

void ReportUnreachable(const SiteSwarm& swarm, const Status& error) {
  std::cerr << "swarmop: error: site " << swarm.site << " (" << swarm.address
            << ") cannot be reached: " << error.message() << "; the other sites go on\n";
}

std::optional<reconciler::PlanResult> PlanSite(const SiteSwarm& swarm, const crds::DesiredState& desired) {
  if (!swarm.engine) {
    ReportUnreachable(swarm, swarm.error);
    return std::nullopt;
  }
  reconciler::PlanEstateOptions options;
  options.render = SwarmopRenderOptions();
  options.observe_replications = true;  // one MongoDB membership step per completed job
  options.target_site = swarm.site;
  auto planned = reconciler::PlanEstate(*swarm.engine, desired, options);
  if (!planned.ok()) {
    ReportUnreachable(swarm, planned.status());
    return std::nullopt;
  }
  for (const std::string& warning : planned->plan.warnings) {
    std::cerr << "warning: site " << swarm.site << ": " << warning << "\n";
  }
  return std::move(planned).value();
}

// ApplyPlan, printing "  done: ..." per operation. A phase's operations run concurrently: one whole line
// at a time.
reconciler::ApplyReport ApplyPrintingEachOperation(engine::Engine& engine, const reconciler::Plan& plan) {
  reconciler::ApplyOptions options;
  auto mu = std::make_shared<std::mutex>();
  options.on_event = [mu](const std::string& line) {
    std::lock_guard<std::mutex> lock(*mu);
    std::cout << "  " + line + "\n" << std::flush;
  };
  return reconciler::ApplyPlan(engine, plan, options);
}

reconciler::PlanResult PlanWithWarnings(engine::Engine& engine, const crds::DesiredState& desired) {
  reconciler::PlanEstateOptions options;
  options.render = SwarmopRenderOptions();
  options.observe_replications = true;  // one MongoDB membership step per completed job
  auto planned = reconciler::PlanEstate(engine, desired, options);
  // Stored specs (configs labelled io.swarmop.role=spec) are never planned for removal: the core's
  // gather and prune skip them (reconciler/src/core/gather.cpp, plan.cpp).
  if (!planned.ok()) FailOnEngineError(planned.status(), "planning the swarm's changes");
  return std::move(planned).value();
}

reconciler::PlanResult PlanOrFail(engine::Engine& engine, const crds::DesiredState& desired) {
  reconciler::PlanResult planned = PlanWithWarnings(engine, desired);
  for (const std::string& warning : planned.plan.warnings) std::cerr << "warning: " << warning << "\n";
  return planned;
}

void PrintLeftAlone(const reconciler::Plan& plan) {
  for (const reconciler::Skip& skip : plan.left_alone) {
    std::cout << "left alone: " << reconciler::ObjectKindName(skip.object) << " " << skip.name << " ("
              << skip.reason << ")\n";
  }
}

std::string ProgressLine(const reconciler::ServiceProgress& p) {
  std::string line = "  " + p.service + (p.site.empty() ? "" : " (" + p.site + ")") + ": " +
                     std::to_string(p.running) + "/" + std::to_string(p.desired) +
                     (p.job ? " completed" : " running");
  if (!p.update_state.empty()) line += ", update " + p.update_state;
  if (p.converged) line += ", converged";
  if (!p.retrying.empty()) line += ", retrying (" + p.retrying + ")";
  if (!p.problem.empty()) line += ": " + p.problem;
  return line;
}

// Prints a service's line only when something about it changed since the last poll.
class ProgressPrinter {
 public:
  void operator()(const std::vector<reconciler::ServiceProgress>& services) {
    for (const reconciler::ServiceProgress& p : services) {
      std::string line = ProgressLine(p);
      std::string& last = last_[p.service];
      if (line != last) std::cout << line << "\n" << std::flush;
      last = std::move(line);
    }
  }

 private:
  std::map<std::string, std::string> last_;
};

// Prints each missing reference (reconciler::FindMissingReferences) as one error line; returns how many.
int ReportMissing(const std::vector<reconciler::MissingReference>& missing, const std::string& where = "") {
  for (const reconciler::MissingReference& m : missing)
    std::cerr << "swarmop: error: " << where << m.Message() << "\n";
  return static_cast<int>(missing.size());
}

int WaitForServices(engine::Engine& engine, const reconciler::PlanResult& planned, const ConvergeArgs& args) {
  const auto local = std::count_if(planned.desired.services.begin(), planned.desired.services.end(),
                                   [](const reconciler::DesiredService& s) { return s.target.local(); });
  std::cout << "waiting for " << local << " service(s) to converge (timeout "
            << std::chrono::duration_cast<std::chrono::seconds>(args.timeout).count() << "s)\n";
  reconciler::ConvergenceOptions options;
  options.timeout = args.timeout;
  options.registry_auth = args.registry_auth;
  auto printer = std::make_shared<ProgressPrinter>();
  options.progress = [printer](const std::vector<reconciler::ServiceProgress>& s) { (*printer)(s); };
  reconciler::ConvergenceResult result =
      reconciler::WaitForConvergence(engine, planned.desired.services, options);
  if (result.status.ok()) {
    std::cout << "converged: every service runs as desired\n";
    return kExitOk;
  }
  std::cout << result.Table();
  std::cerr << "swarmop: not converged: " << result.status.message() << "\n";
  return kExitFailed;
}

}  // namespace

reconciler::PlanResult PlanEstateOrFail(engine::Engine& engine, const crds::DesiredState& desired) {
  return PlanWithWarnings(engine, desired);
}

bool PrintEstatePlan(engine::Engine& engine, const crds::DesiredState& desired) {
  reconciler::PlanResult planned = PlanOrFail(engine, desired);
  const std::string text = reconciler::ToString(planned.plan);
  std::cout << text;
  if (!text.empty() && text.back() != '\n') std::cout << "\n";
  const bool sites_differ = PrintSitePlans(desired) != kExitOk;
  return !planned.plan.empty() || sites_differ;
}

int PrintSitePlans(const crds::DesiredState& desired) {
  int code = kExitOk;
  for (const SiteSwarm& swarm : ConnectSites(desired)) {
    std::cout << "site " << swarm.site << " (" << swarm.address << "):\n";
    std::optional<reconciler::PlanResult> planned = PlanSite(swarm, desired);
    if (!planned) {
      code = kExitError;
      continue;
    }
    const std::string text = reconciler::ToString(planned->plan);
    std::cout << (text.empty() ? "  no change\n" : text);
    if (!text.empty() && text.back() != '\n') std::cout << "\n";
    if (!planned->plan.empty() && code == kExitOk) code = kExitFailed;
  }
  return code;
}

std::vector<SitePlanJson> SitePlansAsJson(const crds::DesiredState& desired) {
  std::vector<SitePlanJson> out;
  for (const SiteSwarm& swarm : ConnectSites(desired)) {
    SitePlanJson site;
    site.site = swarm.site;
    site.address = swarm.address;
    std::optional<reconciler::PlanResult> planned = PlanSite(swarm, desired);
    if (planned) {
      site.plan_json = reconciler::ToJson(planned->plan);
      site.changes = !planned->plan.empty();
    } else {
      site.error = swarm.error.ok() ? "cannot be planned (see the error above)" : swarm.error.message();
    }
    out.push_back(std::move(site));
  }
  return out;
}

int ConvergeEstate(engine::Engine& engine, const crds::DesiredState& desired, const ConvergeArgs& args) {
  reconciler::PlanResult planned = PlanOrFail(engine, desired);
  PrintLeftAlone(planned.plan);
  // The engine would refuse a service whose secret, config or network is missing: write nothing then.
  int code = kExitOk;
  if (ReportMissing(reconciler::FindMissingReferences(planned)) > 0) {
    std::cerr << "swarmop: nothing changed on the swarm\n";
    code = kExitFailed;
  } else if (planned.plan.empty()) {
    std::cout << "swarm already matches the specs: nothing to change\n";
  } else {
    reconciler::ApplyReport report = ApplyPrintingEachOperation(engine, planned.plan);
    std::cout << "applied: " << report.writes << " write(s) to the swarm\n";
    if (!report.ok()) {
      std::cerr << "swarmop: apply failed: " << report.FirstError().message() << "\n";
      code = kExitFailed;
    }
  }
  if (code == kExitOk && args.wait) code = WaitForServices(engine, planned, args);
  const int sites = ConvergeSites(desired, args);  // a local failure does not hold the sites back
  return code != kExitOk ? code : sites;
}

int CheckReferencesBeforeWriting(engine::Engine& engine, const crds::DesiredState& desired) {
  int missing = ReportMissing(reconciler::FindMissingReferences(PlanWithWarnings(engine, desired)));
  for (const SiteSwarm& swarm : ConnectSites(desired)) {
    if (!swarm.engine) continue;  // reported when the sites are converged
    reconciler::PlanEstateOptions options;
    options.render = SwarmopRenderOptions();
    options.observe_replications = true;
    options.target_site = swarm.site;
    auto found = reconciler::CheckReferences(*swarm.engine, desired, options);
    if (found.ok()) missing += ReportMissing(*found, "site " + swarm.site + ": ");
  }
  return missing;
}

int ConvergeSites(const crds::DesiredState& desired, const ConvergeArgs& args) {
  int code = kExitOk;
  for (const SiteSwarm& swarm : ConnectSites(desired)) {
    std::cout << "site " << swarm.site << " (" << swarm.address << "):\n";
    std::optional<reconciler::PlanResult> planned = PlanSite(swarm, desired);
    if (!planned) {
      code = kExitFailed;
      continue;
    }
    if (ReportMissing(reconciler::FindMissingReferences(*planned), "site " + swarm.site + ": ") > 0) {
      std::cerr << "swarmop: site " << swarm.site << ": nothing changed\n";
      code = kExitFailed;
      continue;
    }
    if (planned->plan.empty()) {
      std::cout << "  already matches the specs: nothing to change\n";
    } else {
      reconciler::ApplyReport report = ApplyPrintingEachOperation(*swarm.engine, planned->plan);
      std::cout << "  applied: " << report.writes << " write(s) to site " << swarm.site << "\n";
      if (!report.ok()) {
        std::cerr << "swarmop: site " << swarm.site << ": apply failed: " << report.FirstError().message()
                  << "\n";
        code = kExitFailed;
        continue;
      }
    }
    if (args.wait && WaitForServices(*swarm.engine, *planned, args) != kExitOk) code = kExitFailed;
  }
  return code;
}

}  // namespace swarmop::cli
