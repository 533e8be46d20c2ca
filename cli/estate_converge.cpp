#include "estate_converge.h"

#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>

#include "cli_support.h"
#include "render_options.h"
#include "swarmop/reconciler/core.h"

namespace swarmop::cli {
namespace {

reconciler::PlanResult PlanWithWarnings(engine::Engine& engine, const crds::DesiredState& desired) {
  reconciler::PlanEstateOptions options;
  options.render = SwarmopRenderOptions();
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

// Secrets the services swarmop is about to create or update reference but the swarm does not have. The
// engine refuses such a service, so each missing secret gets one error that names it and who needs it.
// swarmop never creates secrets nor reads their values: the user creates them (docker secret create).
int ReportMissingSecrets(const reconciler::PlanResult& planned) {
  const std::set<std::string> existing(planned.actual.existing_secrets.begin(),
                                       planned.actual.existing_secrets.end());
  std::map<std::string, std::map<std::string, std::vector<std::string>>> needed;  // secret -> owner -> svcs
  for (const reconciler::Operation& op : planned.plan.operations) {
    if (op.object != reconciler::ObjectKind::kService || op.op == reconciler::OpKind::kRemove) continue;
    for (const engine::SecretReference& ref : op.service.task_template.container_spec.secrets) {
      if (existing.count(ref.secret_name)) continue;
      std::vector<std::string>& services = needed[ref.secret_name][op.owner.kind + "/" + op.owner.name];
      if (services.empty() || services.back() != op.name) services.push_back(op.name);
    }
  }
  for (const auto& [secret, owners] : needed) {
    std::string who;
    for (const auto& [owner, services] : owners) {
      std::string list;
      for (const std::string& service : services) list += (list.empty() ? "" : ", ") + service;
      who += (who.empty() ? "" : "; ") + owner + " (" + list + ")";
    }
    std::cerr << "swarmop: error: secret " << secret << " does not exist, so the swarm will refuse the "
              << "services that use it: " << who << ". swarmop never creates secrets: docker secret create "
              << secret << " FILE\n";
  }
  return static_cast<int>(needed.size());
}

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
  const int missing_secrets = ReportMissingSecrets(planned);
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
  if (missing_secrets > 0) return kExitFailed;  // (the engine's refusal normally failed the apply above)
  if (!args.wait) return kExitOk;
  return WaitForServices(engine, planned, args);
}

}  // namespace swarmop::cli
