// JSON <-> model structs for the Engine API payloads. Internal to engine-client (nlohmann stays here).
// Decoders are tolerant: a missing or mistyped field reads as its default, never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "swarmop/engine/config.h"
#include "swarmop/engine/event.h"
#include "swarmop/engine/network.h"
#include "swarmop/engine/node.h"
#include "swarmop/engine/service.h"
#include "swarmop/engine/system.h"
#include "swarmop/engine/task.h"

namespace swarmop::engine {

using Json = nlohmann::json;

// Parses JSON from the engine (answers, event lines, error bodies); a discarded value when the text is not
// JSON or nests deeper than kMaxJsonDepth (base/json_depth.h): a tree thousands deep would overflow the stack
// of whatever copies or dumps it later.
Json ParseEngineJson(std::string_view text);

// Field readers that never throw.
std::string GetString(const Json& object, const char* key);
int64_t GetInt(const Json& object, const char* key);
uint64_t GetUint(const Json& object, const char* key);
bool GetBool(const Json& object, const char* key);
std::map<std::string, std::string> GetStringMap(const Json& object, const char* key);
std::vector<std::string> GetStringList(const Json& object, const char* key);
const Json& GetObject(const Json& object, const char* key);  // a null Json when absent

std::string Base64Encode(const std::string& bytes);
std::string Base64Decode(const std::string& text);  // ignores characters outside the alphabet

// An object's raw_spec is `spec_text` when the caller has the answer's text of "Spec" (a listing split into
// elements: json_text_scan.h), else the parsed Spec serialised again.
using SpecText = std::optional<std::string_view>;

// What raw_spec holds for the parsed Spec `spec`: `spec_text` when given, else `spec` serialised ("" when it
// is not an object).
std::string RawSpec(const Json& spec, SpecText spec_text);

// Services (service_codec.cpp).
Service DecodeService(const Json& json, SpecText spec_text = std::nullopt);
ServiceSpec DecodeServiceSpec(const Json& spec, SpecText spec_text = std::nullopt);  // raw_spec too
Json EncodeServiceSpec(const ServiceSpec& spec);  // modelled fields only; cleared fields are absent

// Other objects (json_codec.cpp).
Task DecodeTask(const Json& json);
Node DecodeNode(const Json& json);
Json EncodeNodeSpec(const NodeSpec& spec);
Config DecodeConfig(const Json& json, SpecText spec_text = std::nullopt);
Json EncodeConfigSpec(const ConfigSpec& spec);
Secret DecodeSecret(const Json& json, SpecText spec_text = std::nullopt);
Json EncodeSecretSpec(const SecretSpec& spec);
Network DecodeNetwork(const Json& json);
Json EncodeNetworkSpec(const NetworkSpec& spec);
Event DecodeEvent(const Json& json);
SystemInfo DecodeInfo(const Json& json);
VersionInfo DecodeVersion(const Json& json);

}  // namespace swarmop::engine
