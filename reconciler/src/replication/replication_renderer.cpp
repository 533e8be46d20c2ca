// The render.h hooks: Replication specs, and the django-api profile's database settings.
#include "mongo_render.h"
#include "postgres_render.h"
#include "swarmop/reconciler/replication/replication.h"

namespace swarmop::reconciler {

ReplicationRenderer MakeReplicationRenderer(ReplicationObserver observer) {
  return [observer](const crds::DesiredState& desired, const crds::Replication& replication,
                    RenderedState& out) -> Status {
    if (replication.spec.engine == crds::DatabaseEngine::kPostgreSql) {
      return replication::RenderPostgresReplication(desired, replication, out);
    }
    std::optional<MongoReplicaSetConfig> observed;
    if (observer) {
      std::optional<ReplicationObservation> seen = observer(replication.name());
      if (seen) observed = seen->mongo_config;
    }
    return replication::RenderMongoReplication(desired, replication, observed, out);
  };
}

void UseReplicationRendering(RenderOptions& options, ReplicationObserver observer) {
  options.replication = MakeReplicationRenderer(std::move(observer));
  options.profiles[crds::Profile::kDjangoApi] = RenderDjangoApiDatabase;
}

}  // namespace swarmop::reconciler
