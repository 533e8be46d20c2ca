// A MongoDB Replication -> one member service per site, and the one job the replica set needs next.
#include "mongo_render.h"

#include <algorithm>

#include "member_service.h"
#include "mongo_scripts.h"
#include "swarmop/crds/naming.h"

namespace swarmop::reconciler::replication {
namespace {

constexpr const char* kMongoUid = "999";  // the mongodb user of the official image: mongod reads the keyFile

std::string SecretPath(const std::string& name) { return "/run/secrets/" + name; }

Status RenderMember(const crds::DesiredState& desired, const crds::Replication& r,
                    const std::string& site_name, RenderedState& out) {
  auto site = SiteOf(desired, r, site_name);
  if (!site.ok()) return site.status();
  auto member = DatabaseService(r, **site, crds::SwarmServiceName(r.name(), site_name));
  if (!member.ok()) return member.status();
  engine::ContainerSpec& container = member->spec.task_template.container_spec;
  const crds::ReplicationSpec& spec = r.spec;
  container.args = {"mongod",        "--replSet", spec.replica_set,
                    "--bind_ip_all", "--keyFile", SecretPath(spec.key_file_secret)};
  // mongod refuses a keyFile readable by others.
  MountSecret(spec.key_file_secret, container, kMongoUid, kMongoUid, 0400);
  if (!spec.password_secret.empty()) {
    MountSecret(spec.password_secret, container);
    container.env = {"MONGO_INITDB_ROOT_PASSWORD_FILE=" + SecretPath(spec.password_secret),
                     "MONGO_INITDB_ROOT_USERNAME=root"};
  }
  MountData(r, site_name, "/data/db", *member, out);
  out.services.push_back(std::move(*member));
  return Status::Ok();
}

// The member an initiate/reconfig job runs next to: the one most likely to be (or become) primary.
std::string JobSite(const MongoReplicaSetConfig& config) {
  auto best = std::max_element(config.members.begin(), config.members.end(),
                               [](const auto& a, const auto& b) { return a.priority < b.priority; });
  return best == config.members.end() ? "" : best->site();
}

Status RenderJob(const crds::DesiredState& desired, const crds::Replication& r, const MongoStep& step,
                 RenderedState& out) {
  bool initiate = step.kind == MongoStep::Kind::kInitiate;
  std::string name = r.name() + (initiate ? "-init" : "-reconfig-v" + std::to_string(step.config.version));
  auto site = SiteOf(desired, r, JobSite(step.config));
  if (!site.ok()) return site.status();
  auto job = DatabaseJob(r, **site, name);
  if (!job.ok()) return job.status();
  engine::ContainerSpec& container = job->spec.task_template.container_spec;
  std::string key = SecretPath(r.spec.key_file_secret);
  MountSecret(r.spec.key_file_secret, container, "0", "0", 0400);  // mongosh runs as root in the image
  std::string config_file = "rs-config-v" + std::to_string(step.config.version) + ".json";
  std::string config = MountConfig(r, config_file, MongoConfigJson(step.config), container, out);
  std::string script =
      initiate ? MountConfig(r, "rs-initiate.js", MongoInitiateScript(config, key), container, out)
               : MountConfig(r, "rs-reconfig.js", MongoReconfigScript(config, key), container, out);
  container.command = {"mongosh", "--quiet", "--nodb", script};
  out.services.push_back(std::move(*job));
  return Status::Ok();
}

// Sites whose member must run now: the observed config's (a member leaves only after the reconfig that
// removes it) and the next config's (a member starts before the reconfig that adds it).
std::vector<std::string> RunningSites(const std::optional<MongoReplicaSetConfig>& observed,
                                      const MongoStep* next, const MongoReplicaSetConfig& desired) {
  std::vector<std::string> sites;
  auto add = [&](const MongoReplicaSetConfig& config) {
    for (const auto& m : config.members) {
      if (std::find(sites.begin(), sites.end(), m.site()) == sites.end()) sites.push_back(m.site());
    }
  };
  if (!observed) add(desired);
  if (observed) add(*observed);
  if (next != nullptr) add(next->config);
  return sites;
}

}  // namespace

Status RenderMongoReplication(const crds::DesiredState& desired, const crds::Replication& replication,
                              const std::optional<MongoReplicaSetConfig>& observed, RenderedState& out) {
  MongoReplicaSetConfig wanted = MongoConfigOf(replication, 1);
  std::vector<MongoStep> steps = PlanMongoMembershipChange(observed, wanted);
  auto next = std::find_if(steps.begin(), steps.end(), [](const MongoStep& s) {
    return s.kind == MongoStep::Kind::kInitiate || s.kind == MongoStep::Kind::kReconfig;
  });
  const MongoStep* next_job = next == steps.end() ? nullptr : &*next;
  for (const auto& site : RunningSites(observed, next_job, wanted)) {
    SWARMOP_RETURN_IF_ERROR(RenderMember(desired, replication, site, out));
  }
  if (observed) {
    // The job that applied the observed config stays (completed, unchanged, so not rerun): it is where the
    // observer reads the running config from (replication_observer.h). Version 1 is always the initiate.
    MongoStep applied{observed->version == 1 ? MongoStep::Kind::kInitiate : MongoStep::Kind::kReconfig, "",
                      *observed};
    SWARMOP_RETURN_IF_ERROR(RenderJob(desired, replication, applied, out));
  }
  if (next_job != nullptr) SWARMOP_RETURN_IF_ERROR(RenderJob(desired, replication, *next_job, out));
  return Status::Ok();
}

}  // namespace swarmop::reconciler::replication
