// Renders a PostgreSQL Replication (see replication.h for what is rendered).
#pragma once

#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler::replication {

Status RenderPostgresReplication(const crds::DesiredState& desired, const crds::Replication& replication,
                                 RenderedState& out);

}  // namespace swarmop::reconciler::replication
