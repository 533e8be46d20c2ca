#include "swarmop/reconciler/sites/site_engines.h"

#include <thread>

namespace swarmop::reconciler {

struct SiteEngines::Slot {
  SiteEndpoint endpoint;
  std::mutex mu;  // one call to connect at a time per site; other sites are never waited for
  std::shared_ptr<engine::Engine> engine;
};

namespace {

engine::TlsOptions TlsFiles(const crds::Site& site, const SiteEngineOptions& options) {
  engine::TlsOptions tls;
  tls.verify = true;
  if (!options.tls_dir.empty()) {
    std::string dir = options.tls_dir + "/" + site.name() + "/";
    tls.ca_file = dir + "ca.pem";
    tls.cert_file = dir + "cert.pem";
    tls.key_file = dir + "key.pem";
    return tls;
  }
  const crds::TlsSecrets& secrets = *site.spec.engine->tls;
  tls.ca_file = options.secrets_dir + "/" + secrets.ca_secret;
  tls.cert_file = options.secrets_dir + "/" + secrets.cert_secret;  // certificate, then key, in one PEM
  tls.key_file = tls.cert_file;
  return tls;
}

}  // namespace

StatusOr<SiteEndpoint> SiteEndpointFor(const crds::Site& site, const SiteEngineOptions& options) {
  if (!site.spec.engine) return InvalidArgumentError("site " + site.name() + " is not a separate swarm");
  bool tls = site.spec.engine->tls.has_value();
  auto endpoint = engine::ParseDockerHost(site.spec.engine->host, tls);
  if (!endpoint.ok()) return endpoint.status().WithContext("site " + site.name() + " engine.host");
  if (tls && endpoint->scheme == engine::Endpoint::Scheme::kTcp) endpoint->tls = TlsFiles(site, options);
  endpoint->connect_timeout = options.connect_timeout;
  endpoint->request_timeout = options.request_timeout;
  return SiteEndpoint{site.name(), *endpoint};
}

SiteEngines::SiteEngines(std::vector<SiteEndpoint> sites, Connector connect, const Clock& clock)
    : connect_(connect ? std::move(connect) : Connector(engine::Connect)), clock_(clock) {
  for (SiteEndpoint& site : sites) {
    auto slot = std::make_unique<Slot>();
    slot->endpoint = std::move(site);
    std::string name = slot->endpoint.site;
    slots_[name] = std::move(slot);
  }
}

SiteEngines::~SiteEngines() = default;

SiteEngines::Slot* SiteEngines::Find(const std::string& site) const {
  auto it = slots_.find(site);
  return it == slots_.end() ? nullptr : it->second.get();
}

StatusOr<std::shared_ptr<engine::Engine>> SiteEngines::ConnectLocked(Slot& slot) {
  if (slot.engine) return slot.engine;
  auto connected = connect_(slot.endpoint.endpoint);
  if (!connected.ok()) return connected.status().WithContext("site " + slot.endpoint.site);
  slot.engine = std::shared_ptr<engine::Engine>(std::move(connected).value());
  return slot.engine;
}

SiteProbe SiteEngines::Probe(const std::string& site) {
  SiteProbe probe{site, Status::Ok(), {}, clock_.WallNow()};
  Slot* slot = Find(site);
  if (!slot) {
    probe.status = NotFoundError("no separate-swarm site named " + site);
    return probe;
  }
  Clock::TimePoint start = clock_.Now();
  std::lock_guard<std::mutex> lock(slot->mu);
  bool fresh = !slot->engine;
  auto engine = ConnectLocked(*slot);
  if (!engine.ok()) {
    probe.status = engine.status();
  } else if (!fresh) {  // Connect already pinged a fresh connection
    probe.status = (*engine)->Ping();
    if (!probe.status.ok()) probe.status = probe.status.WithContext("site " + site);
  }
  if (!probe.status.ok()) slot->engine.reset();
  probe.latency = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now() - start);
  return probe;
}

std::vector<SiteProbe> SiteEngines::ProbeAll() {
  std::vector<std::string> sites = Sites();
  std::vector<SiteProbe> probes(sites.size());
  std::vector<std::thread> threads;
  threads.reserve(sites.size());
  for (size_t i = 0; i < sites.size(); ++i) {
    threads.emplace_back([this, &probes, &sites, i] { probes[i] = Probe(sites[i]); });
  }
  for (std::thread& thread : threads) thread.join();
  return probes;
}

StatusOr<std::shared_ptr<engine::Engine>> SiteEngines::EngineFor(const std::string& site) {
  Slot* slot = Find(site);
  if (!slot) return NotFoundError("no separate-swarm site named " + site);
  std::lock_guard<std::mutex> lock(slot->mu);
  return ConnectLocked(*slot);
}

std::vector<std::string> SiteEngines::Sites() const {
  std::vector<std::string> out;
  for (const auto& [name, slot] : slots_) out.push_back(name);
  return out;
}

}  // namespace swarmop::reconciler
