#include "swarmop/reconciler/controller/site_reconcilers.h"

#include <glog/logging.h>

#include <sstream>

#include "swarmop/reconciler/controller/key_lister.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/sites/site_engine.h"

namespace swarmop::reconciler {

StatusOr<std::shared_ptr<const StoreContents>> LastGoodSpecs::Get() {
  std::unique_lock<std::mutex> loading(load_mu_, std::defer_lock);
  {
    std::lock_guard<std::mutex> lock(mu_);
    // While a load is under way or after a recent failure, the last specs serve at once: one caller at a
    // time pays for a dark swarm's timeouts, never all of them.
    bool failed_recently = last_failure_ && SystemClock().Now() - *last_failure_ < retry_after_;
    if (last_ && (failed_recently || !loading.try_lock())) return last_;
  }
  if (!loading.owns_lock()) loading.lock();
  auto loaded = specs_.Get();
  std::lock_guard<std::mutex> lock(mu_);
  if (loaded.ok()) {
    last_ = *loaded;
    last_failure_.reset();
    return last_;
  }
  last_failure_ = SystemClock().Now();
  if (!last_) return loaded.status();
  LOG_EVERY_N(WARNING, 10) << "the specs cannot be read (" << loaded.status().ToString()
                           << "): separate sites are reconciled to the specs last loaded";
  return last_;
}

namespace {

// What the stored specs are, for noticing a change: kind/name/hash of each, and the invalid configs.
std::string Fingerprint(const StoreContents& contents) {
  std::string out;
  for (const StoredSpec& spec : contents.specs) {
    out += crds::KindName(spec.kind) + ("/" + spec.name) + "@" + spec.spec_hash + ";";
  }
  for (const InvalidConfig& invalid : contents.invalid) out += "!" + invalid.config_id + ";";
  return out;
}

// Whether `seen` still points at `contents` (owner_before compares control blocks: a weak_ptr keeps its
// block, so a later load at the same address is never taken for the old one).
bool SameLoad(const std::weak_ptr<const StoreContents>& seen,
              const std::shared_ptr<const StoreContents>& contents) {
  return !seen.owner_before(contents) && !contents.owner_before(seen) && !seen.expired();
}

}  // namespace

// Declaration order is construction order: each part borrows the ones above it.
struct SiteReconcilers::Loop {
  Loop(SiteEngines& engines, const SiteEndpoint& endpoint, LastGoodSpecs& source, StatusReporter& status,
       const SiteReconcilersOptions& options)
      : site(endpoint.site),
        address(endpoint.endpoint.ToString()),
        engine(MakeSiteEngine(engines, site)),
        specs([&source]() -> StatusOr<StoreContents> {
          auto contents = source.Get();
          if (!contents.ok()) return contents.status();
          return **contents;
        }),
        reconciler(*engine, specs, status, nullptr, SystemClock(), ForSite(options.reconcile, site, &actual)),
        keys(*engine, specs, &actual),
        controller(*engine, reconciler, keys, own_writes, nullptr, WithCache(options.controller, &actual)) {}

  static EstateReconcilerOptions ForSite(EstateReconcilerOptions options, const std::string& site,
                                         ActualCache* cache) {
    options.target_site = site;
    options.cache = cache;
    return options;
  }
  static ControllerOptions WithCache(ControllerOptions options, ActualCache* cache) {
    options.cache = cache;
    return options;
  }

  std::string site;
  std::string address;
  std::unique_ptr<engine::Engine> engine;
  SpecCache specs;
  OwnWrites own_writes;
  ActualCache actual;  // this site's swarm, as the loop's resyncs and events see it
  EstateReconciler reconciler;
  EstateKeyLister keys;
  Controller controller;
};

SiteReconcilers::SiteReconcilers(LastGoodSpecs& specs, StatusReporter& status, SiteReconcilersOptions options)
    : specs_(specs), status_(status), options_(std::move(options)) {}

SiteReconcilers::~SiteReconcilers() { Stop(); }

Status SiteReconcilers::Sync() {
  auto contents = specs_.Get();
  if (!contents.ok()) return contents.status().WithContext("separate sites: reading specs");
  std::vector<SiteEndpoint> endpoints;
  for (const crds::Site* site : SeparateSwarmSites((*contents)->state)) {
    auto endpoint = SiteEndpointFor(*site, options_.engines);
    if (endpoint.ok()) {
      endpoints.push_back(std::move(endpoint).value());
    } else {
      LOG_EVERY_N(WARNING, 20) << "site " << site->name()
                               << " is not reconciled: " << endpoint.status().ToString();
    }
  }
  std::lock_guard<std::mutex> lock(loops_mu_);
  // The loops watch their own swarms' events, not the specs' swarm: a spec change reaches them here. The
  // fingerprint (a line per spec) is made once per load, not at every tick.
  if (!SameLoad(fingerprinted_, *contents)) {
    fingerprinted_ = *contents;
    std::string fingerprint = Fingerprint(**contents);
    if (fingerprint != fingerprint_) {
      fingerprint_ = fingerprint;
      for (auto& loop : loops_) loop->controller.RequestResync();
    }
  }
  bool same = endpoints.size() == endpoints_.size() && engines_;
  for (size_t i = 0; same && i < endpoints.size(); ++i) {
    same = endpoints[i].site == endpoints_[i].site &&
           endpoints[i].endpoint.ToString() == endpoints_[i].endpoint.ToString();
  }
  if (same) return Status::Ok();
  StopLoops();
  engines_ = std::make_unique<SiteEngines>(endpoints, options_.connect);
  endpoints_ = endpoints;
  for (const SiteEndpoint& endpoint : endpoints) {
    loops_.push_back(std::make_unique<Loop>(*engines_, endpoint, specs_, status_, options_));
    loops_.back()->controller.Start();
    LOG(INFO) << "reconciling separate site " << endpoint.site << " at " << loops_.back()->address;
  }
  return Status::Ok();
}

void SiteReconcilers::StopLoops() {
  for (auto& loop : loops_) loop->controller.Stop();
  loops_.clear();
}

void SiteReconcilers::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void SiteReconcilers::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(loops_mu_);
  StopLoops();
}

void SiteReconcilers::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Status synced = Sync();
    if (!synced.ok()) {
      LOG_EVERY_N(WARNING, 10) << synced.ToString();
    }
    lock.lock();
    cv_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

void SiteReconcilers::RequestResync() {
  std::lock_guard<std::mutex> lock(loops_mu_);
  for (auto& loop : loops_) loop->controller.RequestResync();
}

std::string SiteLoopMetricsText(const std::vector<SiteReconcileState>& states) {
  if (states.empty()) return "";
  std::ostringstream out;
  auto series = [&](const char* name, const char* type, const char* help, auto value) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
    for (const SiteReconcileState& s : states)
      out << name << "{site=\"" << s.site << "\"} " << value(s) << "\n";
  };
  series("swarmop_site_loop_ready", "gauge",
         "1 once a separate site's loop reconciled every key of its first pass.",
         [](const SiteReconcileState& s) { return s.ready ? 1 : 0; });
  series("swarmop_site_loop_engine_reachable", "gauge", "1 while a separate site's loop can list its keys.",
         [](const SiteReconcileState& s) { return s.engine_reachable ? 1 : 0; });
  series("swarmop_site_loop_queue_depth", "gauge", "Keys waiting in a separate site's work queue.",
         [](const SiteReconcileState& s) { return s.queue_depth; });
  series("swarmop_site_loop_resyncs_total", "counter", "Resyncs of a separate site's loop.",
         [](const SiteReconcileState& s) { return s.resyncs; });
  return out.str();
}

std::vector<SiteReconcileState> SiteReconcilers::States() const {
  std::lock_guard<std::mutex> lock(loops_mu_);
  std::vector<SiteReconcileState> out;
  for (const auto& loop : loops_) {
    const Controller& c = loop->controller;
    out.push_back({loop->site, loop->address, c.Ready(), c.EngineReachable(), c.QueueDepth(), c.Resyncs()});
  }
  return out;
}

}  // namespace swarmop::reconciler
