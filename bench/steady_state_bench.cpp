// Steady state: the cost of one no-op reconcile pass over an estate that already matches its specs.
// A pass is what watch mode's resync does: load the stored specs (SpecStore::Load), render + gather +
// plan (PlanEstate), apply the (empty) plan. It reports, per pass, the engine calls by verb, the writes
// (expected: zero), the wall time and the CPU time of this process.
//
// Usage: bench_steady_state PASSES   (engine from DOCKER_HOST; bench/steady_state.sh sets everything up)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/apply.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/replication/plan_estate.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace {

using namespace swarmop;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// CPU seconds spent in each step, summed over the passes.
struct StepTimes {
  double load = 0, plan = 0, apply = 0;
};

// One resync pass; returns the number of writes it made, or -1 on error. The store lives across passes,
// as it does in watch mode.
int ReconcileOnce(engine::Engine& engine, reconciler::SpecStore& store, StepTimes& times) {
  double mark = CpuSeconds();
  auto lap = [&mark](double& into) {
    const double now = CpuSeconds();
    into += now - mark;
    mark = now;
  };
  auto contents = store.Load();
  if (!contents.ok()) {
    std::fprintf(stderr, "load: %s\n", contents.status().ToString().c_str());
    return -1;
  }
  lap(times.load);
  auto planned = reconciler::PlanEstate(engine, contents->state);
  if (!planned.ok()) {
    std::fprintf(stderr, "plan: %s\n", planned.status().ToString().c_str());
    return -1;
  }
  lap(times.plan);
  const int writes = reconciler::ApplyPlan(engine, planned->plan).writes;
  lap(times.apply);
  return writes;
}

}  // namespace

int main(int argc, char** argv) {
  const int passes = argc > 1 ? std::atoi(argv[1]) : 10;
  // Never benchmark against the user's default engine unasked: bench/steady_state.sh sets DOCKER_HOST.
  if (std::getenv("DOCKER_HOST") == nullptr) {
    std::fprintf(stderr,
                 "bench_steady_state: set DOCKER_HOST to a disposable swarm (bench/steady_state.sh)\n");
    return 2;
  }
  auto endpoint = engine::EndpointFromEnvironment();
  if (!endpoint.ok()) return std::fprintf(stderr, "%s\n", endpoint.status().ToString().c_str()), 2;
  auto connected = engine::Connect(*endpoint);
  if (!connected.ok()) return std::fprintf(stderr, "%s\n", connected.status().ToString().c_str()), 2;
  engine::CountingEngine engine(std::move(*connected));

  reconciler::SpecStore store(engine);
  StepTimes times;
  if (ReconcileOnce(engine, store, times) < 0) return 1;  // warm-up: connections, caches
  times = {};
  double wall_total = 0, cpu_total = 0;
  int writes_total = 0;
  engine.Reset();
  for (int i = 0; i < passes; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuSeconds();
    const int writes = ReconcileOnce(engine, store, times);
    if (writes < 0) return 1;
    cpu_total += CpuSeconds() - cpu_start;
    wall_total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    writes_total += writes;
  }
  std::printf("no-op reconcile, mean over %d passes: wall %.1f ms, cpu %.1f ms, writes %.1f\n", passes,
              1e3 * wall_total / passes, 1e3 * cpu_total / passes, double(writes_total) / passes);
  std::printf("cpu per step: load specs %.1f ms, render+gather+plan %.1f ms, apply %.1f ms\n",
              1e3 * times.load / passes, 1e3 * times.plan / passes, 1e3 * times.apply / passes);
  std::printf("engine calls per pass:");
  for (const auto& [verb, count] : engine.Counts())
    std::printf(" %s=%.1f", verb.c_str(), double(count) / passes);
  std::printf(" (reads %.1f, writes %.1f)\n", double(engine.Reads()) / passes,
              double(engine.Writes()) / passes);
  return writes_total == 0 ? 0 : 1;
}
