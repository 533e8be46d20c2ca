#include "estate_converge.h"

#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "cli_support.h"
#include "swarmop/reconciler/core.h"

namespace swarmop::cli {
namespace {

reconciler::PlanResult PlanWithWarnings(engine::Engine& engine, const crds::DesiredState& desired) {
  auto planned = reconciler::PlanEstate(engine, desired);
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
                     std::to_string(p.running) + "/" + std::to_string(p.desired) + " running";
  if (!p.update_state.empty()) line += ", update " + p.update_state;
  if (p.converged) line += ", converged";
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

int WaitForServices(engine::Engine& engine, const reconciler::PlanResult& planned, const ConvergeArgs& args) {
  std::cout << "waiting for " << planned.desired.services.size() << " service(s) to converge (timeout "
            << std::chrono::duration_cast<std::chrono::seconds>(args.timeout).count() << "s)\n";
  reconciler::ConvergenceOptions options;
  options.timeout = args.timeout;
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
  return !planned.plan.empty();
}

int ConvergeEstate(engine::Engine& engine, const crds::DesiredState& desired, const ConvergeArgs& args) {
  reconciler::PlanResult planned = PlanOrFail(engine, desired);
  PrintLeftAlone(planned.plan);
  if (planned.plan.empty()) {
    std::cout << "swarm already matches the specs: nothing to change\n";
  } else {
    reconciler::ApplyOptions options;
    // ApplyPlan runs the operations of a phase concurrently: one whole line at a time.
    auto mu = std::make_shared<std::mutex>();
    options.on_event = [mu](const std::string& line) {
      std::lock_guard<std::mutex> lock(*mu);
      std::cout << "  " + line + "\n" << std::flush;
    };
    reconciler::ApplyReport report = reconciler::ApplyPlan(engine, planned.plan, options);
    std::cout << "applied: " << report.writes << " write(s) to the swarm\n";
    if (!report.ok()) {
      std::cerr << "swarmop: apply failed: " << report.FirstError().message() << "\n";
      return kExitFailed;
    }
  }
  if (!args.wait) return kExitOk;
  return WaitForServices(engine, planned, args);
}

}  // namespace swarmop::cli
