#include "swarmop/crds/canonical.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "yaml_to_json.h"

namespace swarmop::crds {
namespace {

using nlohmann::json;

// A string that would read back as something else (number, bool, null) must be quoted.
bool NeedsQuotes(const std::string& s) { return !internal::PlainScalarToJson(s).is_string(); }

void Emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, member] : value.items()) {  // nlohmann keeps keys sorted
        out << YAML::Key << key << YAML::Value;
        Emit(out, member);
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      out << YAML::BeginSeq;
      for (const json& element : value) Emit(out, element);
      out << YAML::EndSeq;
      break;
    case json::value_t::string: {
      const std::string& s = value.get_ref<const std::string&>();
      if (NeedsQuotes(s)) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case json::value_t::null:
      out << YAML::Null;
      break;
    default:
      out << value.dump();  // numbers and booleans in JSON spelling read back identically
  }
}

}  // namespace

std::string ToCanonicalJson(const ObjectBase& object) { return object.CanonicalJson(); }

std::string ToCanonicalYaml(const ObjectBase& object) {
  YAML::Emitter out;
  Emit(out, json::parse(object.CanonicalJson()));
  return std::string(out.c_str()) + "\n";
}

std::string JsonTextToYaml(const std::string& json_text) {
  json value = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return "";
  YAML::Emitter out;
  Emit(out, value);
  return std::string(out.c_str()) + "\n";
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace swarmop::crds
