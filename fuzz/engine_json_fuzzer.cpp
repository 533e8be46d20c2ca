// libFuzzer target: the engine's JSON answers through every decoder (services, tasks, nodes, configs,
// secrets, networks, events, info, version), the error-body reader, and an update's merge over the raw spec;
// and the text scans a listing is decoded with (json_text_scan.h): on any text they must stay in bounds, and
// on an array the parser accepts, each element they cut out parses to that element.
#include <cstddef>
#include <cstdint>
#include <string>

#include "error_mapping.h"
#include "json_codec.h"
#include "json_text_scan.h"
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

// The elements SplitJsonArray cuts out of an accepted array are that array's elements, and a member's text
// MemberText cuts out parses.
void CheckTextScans(const std::string& text, const Json& json) {
  using namespace swarmop::engine;
  auto elements = SplitJsonArray(text);
  const size_t first = text.find_first_not_of(" \t\r\n");
  const bool bracket_first = first != std::string::npos && text[first] == '[';  // not a byte-order mark
  // The parser takes a NUL for the end of the text; the engine sends none, and the split then falls back to
  // the whole parse.
  const bool no_nul = text.find('\0') == std::string::npos;
  if (!json.is_discarded() && json.is_array() && bracket_first && no_nul) {
    if (!elements || elements->size() != json.size()) __builtin_trap();
    for (size_t i = 0; i < elements->size(); ++i) {
      if (ParseEngineJson((*elements)[i]) != json[i]) __builtin_trap();
    }
  }
  if (auto spec = MemberText(text, "Spec"); spec && !json.is_discarded()) {
    if (ParseEngineJson(*spec).is_discarded()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)swarmop::engine::EngineMessage(text);
  Json json = swarmop::engine::ParseEngineJson(text);
  CheckTextScans(text, json);
  if (json.is_discarded()) return 0;
  DecodeAll(json);
  if (json.is_array()) {
    for (const Json& element : json) DecodeAll(element);  // list answers
  }
  return 0;
}
