#include "estate_converge.h"

#include <iostream>

#include "swarmop/reconciler/controller/default_render.h"

namespace swarmop::cli {

// Progress is flushed line by line: it reports an apply or a wait that may take minutes.
reconciler::EstateOutput StandardStreams() {
  return {[](const std::string& text) { std::cout << text; },
          [](const std::string& text) { std::cout << text << std::flush; },
          [](const std::string& text) { std::cerr << text; }};
}

reconciler::EstateOptions EstateOptionsFor(const ConvergeArgs& args) {
  reconciler::EstateOptions options;
  options.render = reconciler::DefaultRenderOptions();
  options.site_engines = reconciler::SiteEngineOptionsFromEnvironment();
  options.wait = args.wait;
  options.timeout = args.timeout;
  options.registry_auth = args.registry_auth;
  return options;
}

}  // namespace swarmop::cli
