// libFuzzer target: a manifest as `swarmop validate` and `swarmop run` read it (YAML -> JSON -> schema ->
// defaults -> model -> cross-references), and as a spec stored in a Swarm config.
#include <cstddef>
#include <cstdint>
#include <string>

#include "swarmop/crds/load.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  swarmop::crds::LoadResult loaded = swarmop::crds::LoadSpecs({{"fuzz.yaml", text}});
  for (const swarmop::crds::Diagnostic& d : loaded.errors) (void)d.ToString();
  if (swarmop::crds::LooksLikeSwarmopSpec(text)) {
    swarmop::crds::LoadResult config = swarmop::crds::ParseConfigSpec("fuzz", text);
    (void)swarmop::crds::CheckCrossReferences(config.state, config.rejected);
  }
  return 0;
}
