// libFuzzer target: the engine's JSON answers through every decoder (services, tasks, nodes, configs,
// secrets, networks, events, info, version), the error-body reader, and an update's merge over the raw spec.
#include <cstddef>
#include <cstdint>
#include <string>

#include "error_mapping.h"
#include "json_codec.h"
#include "spec_merge.h"

namespace {

using swarmop::engine::Json;

void DecodeAll(const Json& json) {
  using namespace swarmop::engine;
  Service service = DecodeService(json);
  (void)EncodeServiceSpec(service.spec);
  (void)MergeOverRaw(service.spec.raw_spec, EncodeServiceSpec(service.spec), ServiceSpecShape());
  (void)DecodeTask(json);
  Node node = DecodeNode(json);
  (void)EncodeNodeSpec(node.spec);
  Config config = DecodeConfig(json);
  (void)EncodeConfigSpec(config.spec);
  (void)EncodeSecretSpec(DecodeSecret(json).spec);
  (void)DecodeNetwork(json);
  (void)DecodeEvent(json);
  (void)DecodeInfo(json);
  (void)DecodeVersion(json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)swarmop::engine::EngineMessage(text);
  Json json = swarmop::engine::ParseEngineJson(text);
  if (json.is_discarded()) return 0;
  DecodeAll(json);
  if (json.is_array()) {
    for (const Json& element : json) DecodeAll(element);  // list answers
  }
  return 0;
}
