// UseProfileRendering: one registration per profile.
#include "swarmop/reconciler/profiles/profiles.h"

#include "swarmop/reconciler/profiles/kong.h"
#include "swarmop/reconciler/profiles/logstash.h"
#include "swarmop/reconciler/profiles/prometheus.h"

namespace swarmop::reconciler {

void UseProfileRendering(RenderOptions& options) {
  options.profiles[crds::Profile::kKong] = profiles::RenderKongProfile;
  profiles::UsePrometheusProfile(options);
  profiles::UseLogstashProfile(options);
}

}  // namespace swarmop::reconciler
