// Which profile Services derive their rendering from other specs, so that watch mode re-renders them as soon
// as one of those specs changes rather than at the next resync:
//   - a gateway (profile kong) and a monitoring Service (profile prometheus) read every Service (expose,
//     healthcheck, prometheus.io/* labels) and every Site: any Service or Site change concerns them;
//   - a logstash Service reads the Sites (its pipeline names its site): a Site change concerns it;
//   - the other way round, every Service placed at a logstash Service's sites logs to it (gelf driver):
//     a change to a logstash Service (added, moved, removed) concerns each Service at its sites, before or
//     after the change.
// Thread-safety: pure functions over values.
#pragma once

#include <set>

#include "swarmop/crds/model.h"
#include "swarmop/reconciler/core/reconciler.h"

namespace swarmop::reconciler::profiles {

// The keys to reconcile again because the specs `changed` (Kind/name; added, changed or removed) went from
// `before` to `after`. The changed keys themselves are not in it.
std::set<Request> ProfileDependants(const crds::DesiredState& before, const crds::DesiredState& after,
                                    const std::set<Request>& changed);

}  // namespace swarmop::reconciler::profiles
