// Drift: updates a plan makes although the owning spec did not change, i.e. someone changed an owned service
// by hand (`docker service scale api-douala=5`). Told apart from spec changes by the spec-hash label: the
// actual service still carries the hash of the spec it was written from.
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <vector>

#include "swarmop/reconciler/core/estate.h"
#include "swarmop/reconciler/core/plan.h"

namespace swarmop::reconciler {

struct DriftCorrection {
  std::string service;
  std::vector<FieldChange> changes;
  // "reverted manual change on service api-douala: replicas 5 -> 2"
  std::string Describe() const;
};

std::vector<DriftCorrection> FindDriftCorrections(const Plan& plan, const ActualState& actual);

}  // namespace swarmop::reconciler
