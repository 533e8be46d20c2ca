// UseProfileRendering: one registration per profile.
#include "swarmop/reconciler/profiles/profiles.h"

#include "swarmop/reconciler/profiles/kong.h"

namespace swarmop::reconciler {

void UseProfileRendering(RenderOptions& options) {
  options.profiles[crds::Profile::kKong] = profiles::RenderKongProfile;
}

}  // namespace swarmop::reconciler
