// django-api: database settings derived from the Replication a Service names (write to the primary, read
// locally) and the site it runs at.
#include <algorithm>

#include "member_service.h"
#include "swarmop/reconciler/replication/postgres.h"
#include "swarmop/reconciler/replication/replication.h"

namespace swarmop::reconciler {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

Env DatabaseEnv(const crds::Replication& replication, const std::string& site) {
  Env env{{"SITE_ID", site}};
  if (replication.spec.engine == crds::DatabaseEngine::kMongoDb) {
    env.push_back({"DATABASE_URL", MongoConnectionString(replication, site)});
  } else {
    PostgresUrls urls = PostgresDatabaseUrls(replication, site);
    env.push_back({"DATABASE_URL", urls.write_url});
    env.push_back({"DATABASE_READ_URL", urls.read_url});
    if (!urls.local_url.empty()) env.push_back({"DATABASE_LOCAL_URL", urls.local_url});
  }
  if (!replication.spec.password_secret.empty()) {
    env.push_back({"DATABASE_PASSWORD_FILE", "/run/secrets/" + replication.spec.password_secret});
  }
  return env;
}

// Adds KEY=value unless the Service's own env already sets KEY (the user's explicit choice wins).
void AddEnv(const Env& env, std::vector<std::string>& container_env) {
  for (const auto& [key, value] : env) {
    std::string prefix = key + "=";
    bool set = std::any_of(container_env.begin(), container_env.end(),
                           [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
    if (!set) container_env.push_back(prefix + value);
  }
  // The core renders env sorted by key; keep it so.
  auto key_of = [](const std::string& e) { return e.substr(0, e.find('=')); };
  std::stable_sort(container_env.begin(), container_env.end(),
                   [&](const std::string& a, const std::string& b) { return key_of(a) < key_of(b); });
}

bool HasSecret(const engine::ContainerSpec& container, const std::string& name) {
  return std::any_of(container.secrets.begin(), container.secrets.end(),
                     [&](const auto& s) { return s.secret_name == name; });
}

}  // namespace

Status RenderDjangoApiDatabase(const ProfileContext& context, RenderedState& out) {
  const std::string& name = context.service.spec.database_replication;
  if (name.empty()) return Status::Ok();
  const crds::Replication* replication = context.desired.FindReplication(name);
  if (replication == nullptr)
    return InvalidArgumentError("database.replication: no Replication named \"" + name + "\"");
  for (DesiredService& service : out.services) {
    if (service.owner != Owner{"Service", context.service.name()}) continue;
    engine::ContainerSpec& container = service.spec.task_template.container_spec;
    AddEnv(DatabaseEnv(*replication, service.site), container.env);
    const std::string& secret = replication->spec.password_secret;
    if (!secret.empty() && !HasSecret(container, secret)) replication::MountSecret(secret, container);
  }
  return Status::Ok();
}

}  // namespace swarmop::reconciler
