// SiteEngines: one engine connection per separate-swarm site (Site.spec.engine), each with its own
// timeouts and its own lock, so a dark site's slow probe or call never holds up another site. Probes run
// in parallel: ProbeAll takes as long as the slowest site's timeout, not the sum.
//
// TLS: a tcp endpoint of a Site with engine.tls uses PEM files. By default they are the Swarm secrets the
// Site names, as Swarm mounts them into swarmop's own service: <secrets_dir>/<ca_secret> for the CA and
// <secrets_dir>/<cert_secret> holding the client certificate followed by its key. With `tls_dir` set,
// <tls_dir>/<site>/{ca,cert,key}.pem are used instead (a local path, e.g. for `swarmop` run by hand).
// Thread-safety: safe from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/endpoint.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/clock.h"

namespace swarmop::reconciler {

struct SiteEngineOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(3)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
  std::string secrets_dir = "/run/secrets";
  std::string tls_dir;  // non-empty: <tls_dir>/<site>/{ca,cert,key}.pem instead of the secrets
};

struct SiteEndpoint {
  std::string site;
  engine::Endpoint endpoint;
};

// The endpoint of a separate-swarm Site (kInvalidArgument for a Site without engine, or a bad host).
StatusOr<SiteEndpoint> SiteEndpointFor(const crds::Site& site, const SiteEngineOptions& options);

// One probe of one site's engine.
struct SiteProbe {
  std::string site;
  Status status;  // ok: the engine answered GET /_ping
  std::chrono::milliseconds latency{0};
  Clock::WallTime at{};
};

class SiteEngines {
 public:
  using Connector = std::function<StatusOr<std::unique_ptr<engine::Engine>>(const engine::Endpoint&)>;

  // `connect` opens a connection (engine::Connect by default; tests inject fakes).
  explicit SiteEngines(std::vector<SiteEndpoint> sites, Connector connect = {},
                       const Clock& clock = SystemClock());
  ~SiteEngines();

  // Probes one site: connects when not connected, else pings. A failed probe drops the connection, so
  // the next use reconnects. kNotFound for a site it does not know.
  SiteProbe Probe(const std::string& site);
  // Probes every site at once, one thread each; results in site order.
  std::vector<SiteProbe> ProbeAll();
  // The site's engine, connecting when needed. Stays valid for the holder even if the site reconnects.
  StatusOr<std::shared_ptr<engine::Engine>> EngineFor(const std::string& site);

  std::vector<std::string> Sites() const;

 private:
  struct Slot;
  Slot* Find(const std::string& site) const;
  StatusOr<std::shared_ptr<engine::Engine>> ConnectLocked(Slot& slot);

  Connector connect_;
  const Clock& clock_;
  std::map<std::string, std::unique_ptr<Slot>> slots_;  // fixed after construction
};

}  // namespace swarmop::reconciler
