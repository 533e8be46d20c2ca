// The kong profile's declarative config: Kong services, routes, upstreams, targets and plugins from the
// Services that expose something. See profiles/kong.h for what is rendered and why.
#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "swarmop/crds/canonical.h"
#include "swarmop/crds/naming.h"
#include "swarmop/reconciler/profiles/kong.h"

namespace swarmop::reconciler::profiles {
namespace {

using nlohmann::json;

constexpr int kConnectTimeoutMs = 5'000;
constexpr int kReadWriteTimeoutMs = 60'000;
constexpr int kRetries = 3;
constexpr int kTargetWeight = 100;
constexpr int64_t kDefaultIntervalS = 5;
constexpr int64_t kMaxIntervalS = 10;
constexpr int64_t kDefaultTimeoutS = 2;
constexpr int64_t kMaxTimeoutS = 5;
constexpr int kDefaultFailures = 3;
constexpr int kSuccessesToHealthy = 2;

std::string UpstreamName(const crds::Service& service) { return service.name() + ".upstream"; }

// Whole seconds in [1, cap]; `fallback` when unset.
int64_t Seconds(crds::Duration duration, int64_t fallback, int64_t cap) {
  if (duration.count() <= 0) return fallback;
  auto seconds = std::chrono::ceil<std::chrono::seconds>(duration).count();
  return std::clamp<int64_t>(seconds, 1, cap);
}

json ActiveHealthcheck(const crds::Service& service, std::vector<std::string>& warnings) {
  const crds::Expose& expose = *service.spec.expose;
  const auto& check = service.spec.healthcheck;
  json active = json::object();
  bool http = check && !check->http_path.empty() && check->port == expose.port;
  if (check && !check->http_path.empty() && !http) {
    warnings.push_back("Service " + service.name() + ": its healthcheck probes port " +
                       std::to_string(check->port) + ", not the exposed port " + std::to_string(expose.port) +
                       ", so Kong checks its targets by tcp connect");
  }
  active["type"] = http ? "http" : "tcp";
  if (http) active["http_path"] = check->http_path;
  int64_t interval = check ? Seconds(check->interval, kDefaultIntervalS, kMaxIntervalS) : kDefaultIntervalS;
  int failures = check && check->retries > 0 ? check->retries : kDefaultFailures;
  active["timeout"] = check ? Seconds(check->timeout, kDefaultTimeoutS, kMaxTimeoutS) : kDefaultTimeoutS;
  active["healthy"] = {{"interval", interval}, {"successes", kSuccessesToHealthy}};
  json unhealthy = {{"interval", interval}, {"tcp_failures", failures}, {"timeouts", failures}};
  if (http) unhealthy["http_failures"] = failures;
  active["unhealthy"] = unhealthy;
  return active;
}

json Healthchecks(const crds::Service& service, std::vector<std::string>& warnings) {
  json passive = {{"type", "http"},
                  {"healthy", {{"successes", 5}}},
                  {"unhealthy", {{"tcp_failures", kDefaultFailures}, {"timeouts", kDefaultFailures}}}};
  return {{"active", ActiveHealthcheck(service, warnings)}, {"passive", passive}};
}

// Sites of `service` whose Swarm services the gateway at `gateway_site` reaches by name: those in the same
// swarm (both local, or both the same separate engine).
json Targets(const crds::DesiredState& desired, const crds::Service& service, const crds::Site& gateway_site,
             std::vector<std::string>& warnings) {
  auto swarm_of = [](const crds::Site& site) { return site.spec.engine ? site.spec.engine->host : ""; };
  json targets = json::array();
  for (const auto& [site_name, placement] : service.spec.sites) {
    const crds::Site* site = desired.FindSite(site_name);
    if (site == nullptr) continue;  // cross-references are checked when specs load
    if (swarm_of(*site) != swarm_of(gateway_site)) {
      warnings.push_back("Service " + service.name() + " at site " + site_name +
                         " is in another swarm than the gateway at " + gateway_site.name() +
                         ": no Kong target for it");
      continue;
    }
    std::string host = crds::SwarmServiceName(service.name(), site_name);
    targets.push_back(
        {{"target", host + ":" + std::to_string(service.spec.expose->port)}, {"weight", kTargetWeight}});
  }
  return targets;
}

json Route(const crds::Service& service) {
  const crds::Expose& expose = *service.spec.expose;
  json route = {{"name", service.name()},
                {"protocols", {"http", "https"}},
                {"strip_path", false},
                {"preserve_host", true}};
  if (!expose.paths.empty()) route["paths"] = expose.paths;
  if (!expose.hosts.empty()) route["hosts"] = expose.hosts;
  return route;
}

json KongService(const crds::Service& service) {
  return {{"name", service.name()},
          {"protocol", "http"},
          {"host", UpstreamName(service)},
          {"port", service.spec.expose->port},
          {"connect_timeout", kConnectTimeoutMs},
          {"read_timeout", kReadWriteTimeoutMs},
          {"write_timeout", kReadWriteTimeoutMs},
          {"retries", kRetries},
          {"tags", {"swarmop"}},
          {"routes", json::array({Route(service)})}};
}

json Plugin(const crds::KongPlugin& plugin) {
  json out = {{"name", plugin.name}};
  json config = json::parse(plugin.config_json.empty() ? "{}" : plugin.config_json, nullptr, false);
  if (config.is_object() && !config.empty()) out["config"] = config;
  return out;
}

std::vector<const crds::Service*> ExposedServices(const crds::DesiredState& desired) {
  std::vector<const crds::Service*> out;
  for (const auto& service : desired.services) {
    if (service.spec.expose && service.spec.profile != crds::Profile::kKong) out.push_back(&service);
  }
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->name() < b->name(); });
  return out;
}

}  // namespace

StatusOr<KongConfig> RenderKongConfig(const crds::DesiredState& desired, const crds::Service& gateway,
                                      const std::string& gateway_site) {
  const crds::Site* site = desired.FindSite(gateway_site);
  if (site == nullptr) return InvalidArgumentError("no Site named \"" + gateway_site + "\"");
  KongConfig out;
  json services = json::array();
  json upstreams = json::array();
  for (const crds::Service* exposed : ExposedServices(desired)) {
    json kong_service = KongService(*exposed);
    json targets = Targets(desired, *exposed, *site, out.warnings);
    if (targets.empty()) {
      out.warnings.push_back("Service " + exposed->name() + " has no site the gateway at " + gateway_site +
                             " reaches: Kong answers 503 on its routes");
    }
    json upstream = {{"name", UpstreamName(*exposed)},
                     {"algorithm", "round-robin"},
                     {"healthchecks", Healthchecks(*exposed, out.warnings)},
                     {"tags", {"swarmop"}},
                     {"targets", targets}};
    services.push_back(std::move(kong_service));
    upstreams.push_back(std::move(upstream));
  }
  json plugins = json::array();
  if (gateway.spec.kong) {
    for (const crds::KongPlugin& plugin : gateway.spec.kong->plugins) {
      if (plugin.service.empty()) {
        plugins.push_back(Plugin(plugin));
        continue;
      }
      auto it = std::find_if(services.begin(), services.end(),
                             [&](const json& s) { return s["name"] == plugin.service; });
      if (it == services.end()) {  // loading rejects this; a stored gateway may outlive the Service
        out.warnings.push_back("kong.plugins: " + plugin.name + " names Service \"" + plugin.service +
                               "\", which exposes nothing: the plugin is left out");
        continue;
      }
      (*it)["plugins"].push_back(Plugin(plugin));
    }
  }
  json config = {{"_format_version", "3.0"}, {"services", services}, {"upstreams", upstreams}};
  if (!plugins.empty()) config["plugins"] = plugins;
  out.yaml = "# Kong declarative configuration (DB-less) of Service " + gateway.name() +
             ", rendered by swarmop from the Services that expose routes. Do not edit: it is replaced.\n" +
             crds::JsonTextToYaml(config.dump());
  return out;
}

}  // namespace swarmop::reconciler::profiles
