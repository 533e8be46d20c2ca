// The prometheus profile: the estate's monitoring stack, derived from its Sites and Services.
//
// One profile, three components, chosen by the Service label `io.swarmop.component` (no label: prometheus):
//   prometheus    prometheus.yml + swarmop-rules.yml, mounted at /etc/prometheus/, and the args
//                 --config.file / --storage.tsdb.path / --web.listen-address; the docker socket bind-
//                 mounted read-only at /var/run/docker.sock (from the host path the annotation
//                 swarmop.io/docker-socket names, if any; dockerswarm_sd_configs needs the Swarm API: the
//                 task runs on a manager, node.role==manager is added to its constraints, and its user must
//                 be able to read the socket); TSDB on the named volume "<swarm service>-data" at /prometheus
//                 (unless a mount there exists); the network swarmop-ops when the Service lists it (swarmop's
//                 own /metrics).
//   alertmanager  alertmanager.yml at /etc/alertmanager/ (routes by site), --config.file, --storage.path.
//   grafana       provisioning files under /etc/grafana/provisioning/ (a Prometheus datasource pointing at
//                 the estate's prometheus, a dashboard provider) and the swarmop dashboard JSON.
// Every file is a content-addressed Swarm config (ContentConfigName): a change in the estate that changes
// a file (a Service starts or stops asking to be scraped, a site appears) is a new config name, so the
// service's spec changes and Swarm rolls it.
//
// What a Service declares to be scraped (spec.labels, which land on its Swarm services):
//   prometheus.io/scrape: "true"       required
//   prometheus.io/port:   "8000"       the container port of /metrics (default: expose.port, else the
//                                      Service is not scraped and a warning says why)
//   prometheus.io/path:   /metrics     optional
// Each such Service is one scrape job (job="<service>") over dockerswarm_sd_configs (role tasks): running
// tasks of that Service's Swarm services (io.swarmop.owner-name), addressed by their IP on the
// swarmop-estate network (which every local service and the Prometheus service share), with the labels
// site (io.swarmop.site), service (owner name), swarm_service and node. Services at separate-swarm sites
// are not scraped (the socket shows the local swarm only): a warning says so.
// swarmop itself (manifests/swarmop-stack.yaml) is the job "swarmop": tasks of the service labelled
// io.swarmop.component=operator on the swarmop-ops network, port and path from its prometheus.io/* labels.
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler::profiles {

inline constexpr const char* kComponentLabel = labels::kComponent;
inline constexpr const char* kScrapeLabel = "prometheus.io/scrape";
inline constexpr const char* kPortLabel = "prometheus.io/port";
inline constexpr const char* kPathLabel = "prometheus.io/path";
inline constexpr const char* kOperatorNetwork = "swarmop-ops";        // manifests/swarmop-stack.yaml
inline constexpr const char* kDockerSocket = "/var/run/docker.sock";  // where Prometheus reads it
// Annotation of the prometheus Service: the socket's path on the managers, when not /var/run/docker.sock
// (a test bed's dockerd listens elsewhere).
inline constexpr const char* kDockerSocketAnnotation = "swarmop.io/docker-socket";
inline constexpr int kPrometheusPort = 9090;
inline constexpr int kAlertmanagerPort = 9093;

enum class MonitoringComponent { kPrometheus, kAlertmanager, kGrafana };

// A file the profile renders, and where it is mounted.
struct RenderedFile {
  std::string name;    // logical name, part of the config name: "prometheus.yml"
  std::string target;  // absolute path in the container
  std::string content;
};

// What `service` (profile prometheus) is, from its io.swarmop.component label; kInvalidArgument for a value
// other than prometheus, alertmanager or grafana (the profile then leaves the Service to the generic path
// and warns).
StatusOr<MonitoringComponent> ComponentOf(const crds::Service& service);

// A Service that asks to be scraped, as the profile reads it.
struct ScrapeTarget {
  std::string service;  // Service name = job name
  int port = 0;
  std::string path = "/metrics";
  std::vector<std::string> separate_sites;  // its sites that are their own swarm (not scraped)
};
struct ScrapeTargetList {
  std::vector<ScrapeTarget> targets;  // by Service name
  // Services left out, and why: prometheus.io/port missing (and no expose.port) or not a port number. A
  // warning, not an error: one Service's label must not stop the whole estate from rendering.
  std::vector<std::string> warnings;
};
// The estate's Services that ask to be scraped.
ScrapeTargetList ScrapeTargets(const crds::DesiredState& desired);

// The files themselves (deterministic: same estate, same text).
std::string RenderPrometheusConfig(const crds::DesiredState& desired);
std::string RenderAlertRules();
std::string RenderAlertmanagerConfig(const crds::DesiredState& desired);
std::string RenderGrafanaDatasource(const crds::DesiredState& desired);
std::string RenderGrafanaDashboardProvider();
std::string RenderGrafanaDashboard();

// The files of one component, with their mount paths.
std::vector<RenderedFile> ComponentFiles(const crds::DesiredState& desired, MonitoringComponent component);

// The RenderOptions::profiles hook for profile: prometheus.
Status RenderPrometheusProfile(const ProfileContext& context, RenderedState& out);

// Sets options.profiles[prometheus].
void UsePrometheusProfile(RenderOptions& options);

}  // namespace swarmop::reconciler::profiles
