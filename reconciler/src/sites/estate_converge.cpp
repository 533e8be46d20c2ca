// Converging the local swarm and every separate-swarm Site for the one-shot commands (estate_converge.h).
#include "swarmop/reconciler/sites/estate_converge.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "sites/site_swarms.h"

namespace swarmop::reconciler {

using estate::Emit;

namespace {

// ApplyPlan, reporting "  done: ..." per operation as it happens. A phase's operations run concurrently:
// the lock keeps each line whole and spares the output's owner a lock of its own.
ApplyReport ApplyReportingEachOperation(engine::Engine& engine, const Plan& plan,
                                        const EstateOutput& output) {
  ApplyOptions options;
  auto mu = std::make_shared<std::mutex>();
  options.on_event = [mu, &output](const std::string& line) {
    std::lock_guard<std::mutex> lock(*mu);
    Emit(output.progress, "  " + line + "\n");
  };
  return ApplyPlan(engine, plan, options);
}

std::string ProgressLine(const ServiceProgress& p) {
  std::string line = "  " + p.service + (p.site.empty() ? "" : " (" + p.site + ")") + ": " +
                     std::to_string(p.running) + "/" + std::to_string(p.desired) +
                     (p.job ? " completed" : " running");
  if (!p.update_state.empty()) line += ", update " + p.update_state;
  if (p.converged) line += ", converged";
  if (!p.retrying.empty()) line += ", retrying (" + p.retrying + ")";
  if (!p.problem.empty()) line += ": " + p.problem;
  return line;
}

// Reports a service's line only when something about it changed since the last poll: a wait of minutes
// stays readable.
class ProgressReporter {
 public:
  explicit ProgressReporter(const EstateOutput& output) : output_(output) {}
  void operator()(const std::vector<ServiceProgress>& services) {
    for (const ServiceProgress& p : services) {
      std::string line = ProgressLine(p);
      std::string& last = last_[p.service];
      if (line != last) Emit(output_.progress, line + "\n");
      last = std::move(line);
    }
  }

 private:
  const EstateOutput& output_;
  std::map<std::string, std::string> last_;
};

ConvergeVerdict WaitForServices(engine::Engine& engine, const PlanResult& planned,
                                const EstateOptions& options, const EstateOutput& output) {
  const auto local = std::count_if(planned.desired.services.begin(), planned.desired.services.end(),
                                   [](const DesiredService& s) { return s.target.local(); });
  Emit(output.report,
       "waiting for " + std::to_string(local) + " service(s) to converge (timeout " +
           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(options.timeout).count()) +
           "s)\n");
  ConvergenceOptions wait;
  wait.timeout = options.timeout;
  wait.registry_auth = options.registry_auth;
  auto reporter = std::make_shared<ProgressReporter>(output);
  wait.progress = [reporter](const std::vector<ServiceProgress>& s) { (*reporter)(s); };
  ConvergenceResult result = WaitForConvergence(engine, planned.desired.services, wait);
  if (result.status.ok()) {
    Emit(output.report, "converged: every service runs as desired\n");
    return ConvergeVerdict::kConverged;
  }
  Emit(output.report, result.Table());
  Emit(output.error, "swarmop: not converged: " + result.status.message() + "\n");
  return ConvergeVerdict::kFailed;
}

void ReportLeftAlone(const Plan& plan, const EstateOutput& output) {
  for (const Skip& skip : plan.left_alone) {
    Emit(output.report, "left alone: " + std::string(ObjectKindName(skip.object)) + " " + skip.name + " (" +
                            skip.reason + ")\n");
  }
}

// One planned separate-swarm site: its missing references refuse the site, else its plan is applied and,
// with options.wait, its services waited for.
ConvergeVerdict ConvergeSite(const estate::SiteSwarm& swarm, const PlanResult& planned,
                             const EstateOptions& options, const EstateOutput& output) {
  if (estate::ReportMissing(FindMissingReferences(planned), output, "site " + swarm.site + ": ") > 0) {
    Emit(output.error, "swarmop: site " + swarm.site + ": nothing changed\n");
    return ConvergeVerdict::kFailed;
  }
  if (planned.plan.empty()) {
    Emit(output.report, "  already matches the specs: nothing to change\n");
  } else {
    ApplyReport report = ApplyReportingEachOperation(*swarm.engine, planned.plan, output);
    Emit(output.report,
         "  applied: " + std::to_string(report.writes) + " write(s) to site " + swarm.site + "\n");
    if (!report.ok()) {
      Emit(output.error,
           "swarmop: site " + swarm.site + ": apply failed: " + report.FirstError().message() + "\n");
      return ConvergeVerdict::kFailed;
    }
  }
  if (!options.wait) return ConvergeVerdict::kConverged;
  return WaitForServices(*swarm.engine, planned, options, output);
}

}  // namespace

StatusOr<ConvergeVerdict> ConvergeEstate(engine::Engine& engine, const crds::DesiredState& desired,
                                         const EstateOptions& options, const EstateOutput& output) {
  StatusOr<PlanResult> planned = PlanLocalSwarm(engine, desired, options);
  if (!planned.ok()) return planned.status();
  for (const std::string& warning : planned->plan.warnings) Emit(output.error, "warning: " + warning + "\n");
  ReportLeftAlone(planned->plan, output);
  // The engine would refuse a service whose secret, config or network is missing: write nothing then.
  ConvergeVerdict verdict = ConvergeVerdict::kConverged;
  if (estate::ReportMissing(FindMissingReferences(*planned), output) > 0) {
    Emit(output.error, "swarmop: nothing changed on the swarm\n");
    verdict = ConvergeVerdict::kFailed;
  } else if (planned->plan.empty()) {
    Emit(output.report, "swarm already matches the specs: nothing to change\n");
  } else {
    ApplyReport report = ApplyReportingEachOperation(engine, planned->plan, output);
    Emit(output.report, "applied: " + std::to_string(report.writes) + " write(s) to the swarm\n");
    if (!report.ok()) {
      Emit(output.error, "swarmop: apply failed: " + report.FirstError().message() + "\n");
      verdict = ConvergeVerdict::kFailed;
    }
  }
  if (verdict == ConvergeVerdict::kConverged && options.wait)
    verdict = WaitForServices(engine, *planned, options, output);
  const ConvergeVerdict sites = ConvergeSites(desired, options, output);  // a local failure: sites go on
  return verdict != ConvergeVerdict::kConverged ? verdict : sites;
}

ConvergeVerdict ConvergeSites(const crds::DesiredState& desired, const EstateOptions& options,
                              const EstateOutput& output) {
  ConvergeVerdict verdict = ConvergeVerdict::kConverged;
  const int unplanned = estate::ForEachSitePlan(
      desired, options, output, [&](const estate::SiteSwarm& swarm, const PlanResult& planned) {
        if (ConvergeSite(swarm, planned, options, output) != ConvergeVerdict::kConverged)
          verdict = ConvergeVerdict::kFailed;
      });
  return unplanned > 0 ? ConvergeVerdict::kFailed : verdict;
}

}  // namespace swarmop::reconciler
