#include "estate_converge.h"

#include <iostream>

#include "cli_support.h"
#include "swarmop/reconciler/controller/default_render.h"

namespace swarmop::cli {
namespace {

// Progress is flushed line by line: it reports an apply or a wait that may take minutes.
reconciler::EstateOutput StandardStreams() {
  return {[](const std::string& text) { std::cout << text; },
          [](const std::string& text) { std::cout << text << std::flush; },
          [](const std::string& text) { std::cerr << text; }};
}

reconciler::EstateOptions Options(const ConvergeArgs& args = {}) {
  reconciler::EstateOptions options;
  options.render = reconciler::DefaultRenderOptions();
  options.site_engines = reconciler::SiteEngineOptionsFromEnvironment();
  options.wait = args.wait;
  options.timeout = args.timeout;
  options.registry_auth = args.registry_auth;
  return options;
}

constexpr const char* kPlanning = "planning the swarm's changes";

}  // namespace

int ConvergeEstate(engine::Engine& engine, const crds::DesiredState& desired, const ConvergeArgs& args) {
  auto verdict = reconciler::ConvergeEstate(engine, desired, Options(args), StandardStreams());
  if (!verdict.ok()) FailOnEngineError(verdict.status(), kPlanning);
  return *verdict == reconciler::ConvergeVerdict::kConverged ? kExitOk : kExitFailed;
}

int CheckReferencesBeforeWriting(engine::Engine& engine, const crds::DesiredState& desired) {
  auto missing = reconciler::ReportMissingReferences(engine, desired, Options(), StandardStreams());
  if (!missing.ok()) FailOnEngineError(missing.status(), kPlanning);
  return *missing;
}

bool PrintEstatePlan(engine::Engine& engine, const crds::DesiredState& desired) {
  auto changes = reconciler::ReportEstatePlan(engine, desired, Options(), StandardStreams());
  if (!changes.ok()) FailOnEngineError(changes.status(), kPlanning);
  return *changes;
}

int PrintSitePlans(const crds::DesiredState& desired) {
  switch (reconciler::ReportSitePlans(desired, Options(), StandardStreams())) {
    case reconciler::SitesPlanVerdict::kNoChange:
      return kExitOk;
    case reconciler::SitesPlanVerdict::kChanges:
      return kExitFailed;
    case reconciler::SitesPlanVerdict::kUnreachable:
      break;
  }
  return kExitError;
}

std::vector<SitePlanJson> SitePlansAsJson(const crds::DesiredState& desired) {
  return reconciler::SitePlansAsJson(desired, Options(), StandardStreams());
}

reconciler::PlanResult PlanEstateOrFail(engine::Engine& engine, const crds::DesiredState& desired) {
  auto planned = reconciler::PlanLocalSwarm(engine, desired, Options());
  if (!planned.ok()) FailOnEngineError(planned.status(), kPlanning);
  return std::move(planned).value();
}

}  // namespace swarmop::cli
