// Renders a MongoDB Replication (see replication.h for what is rendered).
#pragma once

#include <optional>

#include "swarmop/reconciler/core/render.h"
#include "swarmop/reconciler/replication/mongo.h"

namespace swarmop::reconciler::replication {

// `observed`: the config the running set has (nullopt: not initiated, or nothing observed).
Status RenderMongoReplication(const crds::DesiredState& desired, const crds::Replication& replication,
                              const std::optional<MongoReplicaSetConfig>& observed, RenderedState& out);

}  // namespace swarmop::reconciler::replication
