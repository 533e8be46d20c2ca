// Render: the Swarm objects a DesiredState implies. Pure: no I/O, same input => same output.
//
// Naming and network scheme (see also crds/naming.h):
//   - each Service x Site becomes one Swarm service "<service>-<site>" (crds::SwarmServiceName), labelled
//     with the ownership labels of labels.h (owner kind "Service", owner name, site, spec hash) over the
//     user's own labels;
//   - each Site gets one overlay network "swarmop-<site>" (owner kind "Site"), encrypted unless the Site says
//     network.encrypted: false; every service of the site attaches to it;
//   - the local swarm gets one shared overlay "swarmop-estate" (owner kind "Estate", name "estate") that
//   every
//     local service also attaches to, so services reach each other across sites; it is encrypted unless every
//     local Site says encrypted: false. Site.network.subnet is not rendered yet (NetworkSpec has no IPAM);
//   - inline config content becomes a content-addressed Swarm config "<service>-<file>-<12 hex of sha256>"
//     (at most 64 chars; the middle is shortened when needed), shared by the service's sites; references are
//     by name, IDs are resolved at apply time. `from:` configs and secrets are referenced by name only;
//   - ports: a Service placed at several sites of the SAME swarm cannot publish one ingress port from each
//     per-site service (Swarm rejects the second). Such ports are rendered in host mode (each site's tasks
//     publish on their own nodes) and a warning says so; a Service at one local site keeps ingress mode.
// Sites that are their own swarm (Site.spec.engine set) are rendered too, with `target` naming that site and
// endpoint; PlanEstate plans them on that site's own engine (PlanEstateOptions::target_site, core.h) and
// reports them as left alone in the local swarm's plan.
// Thread-safety: pure functions over values.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/model.h"
#include "swarmop/engine/config.h"
#include "swarmop/engine/network.h"
#include "swarmop/engine/service.h"

namespace swarmop::reconciler {

inline constexpr const char* kEstateNetworkName = "swarmop-estate";
inline constexpr const char* kEstateOwnerKind = "Estate";
inline constexpr const char* kEstateOwnerName = "estate";

// "swarmop-<site>": the overlay network of a site.
std::string SiteNetworkName(const std::string& site);

// Which spec owns a rendered object (the values of labels::kOwnerKind / kOwnerName).
struct Owner {
  std::string kind;  // "Service", "Replication", "Site", "Estate"
  std::string name;
  bool operator==(const Owner&) const = default;
};

// The ownership labels (labels.h) of an object of `owner`, placed at `site` (may be empty), written for the
// spec whose hash is `spec_hash` (may be empty), over `user_labels`: ownership wins on a key clash. The one
// place that says what makes an object swarmop's.
engine::Labels OwnedLabels(const Owner& owner, const std::string& site, const std::string& spec_hash,
                           const engine::Labels& user_labels = {});

// Which swarm an object goes to. Empty engine_host: the local swarm (the engine apply is given).
struct Target {
  std::string site;         // set for objects of a separate-swarm site
  std::string engine_host;  // that site's Site.spec.engine.host
  bool local() const { return engine_host.empty(); }
  bool operator==(const Target&) const = default;
};

struct DesiredService {
  engine::ServiceSpec spec;  // config/secret references carry names only; networks are targeted by name
  Owner owner;
  std::string site;
  Target target;
  std::vector<std::string> depends_on;  // names of the Services/Replications this one waits for
};

struct DesiredConfig {
  engine::ConfigSpec spec;
  Owner owner;
  Target target;
};

struct DesiredNetwork {
  engine::NetworkSpec spec;
  Owner owner;
  Target target;
};

struct RenderedState {
  std::vector<DesiredNetwork> networks;
  std::vector<DesiredConfig> configs;
  std::vector<DesiredService> services;
  std::vector<std::string> warnings;  // choices the user should know about (e.g. ingress -> host ports)

  const DesiredService* FindService(const std::string& swarm_name) const;
};

// Hook points filled by later issues. A profile renderer adjusts what the generic path rendered for one
// Service (e.g. Kong's routes as a config, DATABASE_URL for django-api); it may add objects to `out`.
struct ProfileContext {
  const crds::DesiredState& desired;
  const crds::Service& service;
};
using ProfileRenderer = std::function<Status(const ProfileContext&, RenderedState& out)>;
// Adjusts one per-site Swarm service of `context.service` (any profile), after that Service's profile hook:
// e.g. the logstash profile's log shipping (profiles/logstash.h) gives every Service at a site with a
// Logstash the gelf log driver. Sees only the desired state and that one service, so a key's render of its
// own objects gets the same result as a whole-estate render.
using ServiceAdjuster = std::function<Status(const ProfileContext&, DesiredService& service)>;
// Renders a Replication's database members. Nothing is rendered when unset (the default today).
using ReplicationRenderer =
    std::function<Status(const crds::DesiredState&, const crds::Replication&, RenderedState& out)>;

struct RenderOptions {
  // Called after the generic rendering of every Service whose profile is listed. Profiles without an
  // entry get the generic path only.
  std::map<crds::Profile, ProfileRenderer> profiles;
  // Called, in order, on every per-site service of every Service, after its profile hook.
  std::vector<ServiceAdjuster> service_adjusters;
  ReplicationRenderer replication;
};

// Renders every Site, Service (and, through the hook, Replication) of `desired`. Fails with
// kInvalidArgument naming the object when something cannot be rendered (unknown site, name too long).
StatusOr<RenderedState> Render(const crds::DesiredState& desired, const RenderOptions& options = {});

// What Render gives one owner, without rendering the others: every network, plus the objects of the
// Service or Replication named `owner` (none when `desired` has no such spec). Profiles still see the whole
// desired state (kong's routes, prometheus' targets derive from the other Services). Same objects, in the
// same order, as Render's output keeps for that owner. Owners of other kinds get the networks only.
StatusOr<RenderedState> RenderOwner(const crds::DesiredState& desired, const Owner& owner,
                                    const RenderOptions& options = {});

// RenderOwner for the Service `service` of `desired`, which the caller has already found (a reconcile per
// key looks it up in an index made once per load; RenderOwner scans every Service for it).
StatusOr<RenderedState> RenderServiceOwner(const crds::DesiredState& desired, const crds::Service& service,
                                           const RenderOptions& options = {});

// "<service>-<file>-<first 12 hex of sha256(content)>", at most 64 characters.
std::string ContentConfigName(const std::string& service, const std::string& file_name,
                              const std::string& content);

// Adds `content` as the config ContentConfigName(owner.name, file_name, content), labelled as owned by
// `owner`, to out.configs unless a config of that name is there already; returns the name. For renderers
// (profiles) that mount files they generate.
std::string AddContentConfig(const Owner& owner, const std::string& file_name, const std::string& content,
                             RenderedState& out);

}  // namespace swarmop::reconciler
