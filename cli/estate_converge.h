// The estate commands' shell (`apply`, `diff`, `install`, `upgrade`, `uninstall`): each calls one function of
// reconciler/sites/apply_manifests.h or sites/chart_release.h, which decides what happens and what is
// shown; these send its lines to stdout and stderr and give it the options every command shares.
#pragma once

#include <chrono>
#include <memory>

#include "swarmop/engine/registry_auth.h"
#include "swarmop/reconciler/sites/estate_converge.h"

namespace swarmop::cli {

struct ConvergeArgs {
  bool wait = false;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  // The credentials sent for private images: a failed pull says whether its registry had any.
  std::shared_ptr<const engine::RegistryAuth> registry_auth = nullptr;
};

// The library's lines on stdout (report; progress flushed line by line) and stderr (error).
reconciler::EstateOutput StandardStreams();

// The options every estate command converges and plans with: DefaultRenderOptions, the separate sites'
// settings from the environment (SWARMOP_TLS_DIR), and `args`.
reconciler::EstateOptions EstateOptionsFor(const ConvergeArgs& args = {});

}  // namespace swarmop::cli
