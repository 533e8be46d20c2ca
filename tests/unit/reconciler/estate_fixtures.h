// Small builders for desired states and a fake swarm, shared by the reconciler core's unit tests.
#pragma once

#include <map>
#include <string>

#include "fake_engine.h"
#include "swarmop/crds/model.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::reconciler::testing {

// A site of the local swarm selecting nodes labelled site=<name>.
inline crds::Site Site(const std::string& name, bool encrypted = true) {
  crds::Site site;
  site.metadata.name = name;
  site.hash = "site-hash-" + name;
  site.spec.node_selector = {{"site", name}};
  site.spec.network.encrypted = encrypted;
  return site;
}

// A site that is its own swarm.
inline crds::Site SeparateSite(const std::string& name) {
  crds::Site site = Site(name);
  site.spec.node_selector.clear();
  site.spec.engine = crds::EngineEndpoint{"tcp://10.20.0.10:2376", std::nullopt};
  return site;
}

// A generic Service with `replicas` at each named site.
inline crds::Service Service(const std::string& name, std::map<std::string, int> replicas_by_site,
                             const std::string& image = "local/busybox:1") {
  crds::Service service;
  service.metadata.name = name;
  service.hash = "service-hash-" + name;
  service.spec.image = image;
  service.spec.command = {"sleep", "3600"};
  for (const auto& [site, replicas] : replicas_by_site) service.spec.sites[site].replicas = replicas;
  return service;
}

// Two local sites and an api at both, a web at douala only.
inline crds::DesiredState TwoSiteEstate() {
  crds::DesiredState desired;
  desired.sites = {Site("douala"), Site("yaounde")};
  desired.services = {Service("api", {{"douala", 2}, {"yaounde", 2}}), Service("web", {{"douala", 1}})};
  desired.services[0].spec.env = {{"MODE", "prod"}, {"A_FIRST", "1"}};
  return desired;
}

// Plans `desired` against `engine` (PlanEstate), failing the test on error.
inline Plan PlanOf(engine::Engine& engine, const crds::DesiredState& desired) {
  auto result = PlanEstate(engine, desired);
  if (!result.ok()) {
    Plan plan;
    plan.warnings.push_back("PLAN FAILED: " + result.status().ToString());
    return plan;
  }
  return result->plan;
}

// Plans and applies `desired`; returns the report.
inline ApplyReport Converge(engine::Engine& engine, const crds::DesiredState& desired,
                            ApplyOptions options = {}) {
  options.retry_backoff = std::chrono::milliseconds(1);
  return ApplyPlan(engine, PlanOf(engine, desired), options);
}

}  // namespace swarmop::reconciler::testing
