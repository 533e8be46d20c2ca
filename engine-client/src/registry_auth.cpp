#include "swarmop/engine/registry_auth.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "json_codec.h"

namespace swarmop::engine {
namespace {

using Json = nlohmann::json;

constexpr char kDockerHub[] = "docker.io";

// "https://index.docker.io/v1/" -> docker.io; "https://registry.example.com:5000/v2/" ->
// registry.example.com:5000.
std::string NormalizeRegistry(std::string key) {
  if (auto scheme = key.find("://"); scheme != std::string::npos) key = key.substr(scheme + 3);
  if (auto slash = key.find('/'); slash != std::string::npos) key = key.substr(0, slash);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (key == "index.docker.io" || key == "registry-1.docker.io" || key == "registry.hub.docker.com") {
    return kDockerHub;
  }
  return key;
}

std::string Base64Url(const std::string& bytes) {
  std::string out = Base64Encode(bytes);
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

bool Contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

}  // namespace

std::string RegistryOfImage(const std::string& image) {
  auto slash = image.find('/');
  if (slash == std::string::npos) return kDockerHub;
  std::string first = image.substr(0, slash);
  if (first.find('.') == std::string::npos && first.find(':') == std::string::npos && first != "localhost") {
    return kDockerHub;
  }
  return NormalizeRegistry(first);
}

StatusOr<RegistryAuth> RegistryAuth::FromDockerConfigJson(const std::string& text,
                                                          const std::string& source) {
  Json parsed = Json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return InvalidArgumentError(source + ": not a docker config.json (invalid JSON)");
  }
  RegistryAuth out;
  out.source_ = source;
  auto auths = parsed.find("auths");
  if (auths == parsed.end()) return out;
  if (!auths->is_object()) return InvalidArgumentError(source + ": \"auths\" must be an object");
  for (auto item = auths->begin(); item != auths->end(); ++item) {
    // Plain references, not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::string& key = item.key();
    const Json& entry = item.value();
    if (!entry.is_object())
      return InvalidArgumentError(source + ": auths[\"" + key + "\"] must be an object");
    Credential c;
    c.server_address = key;
    auto text_of = [&](const char* name) {
      auto it = entry.find(name);
      return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    c.username = text_of("username");
    c.password = text_of("password");
    c.identity_token = text_of("identitytoken");
    if (std::string auth = text_of("auth"); !auth.empty()) {
      std::string decoded = Base64Decode(auth);
      auto colon = decoded.find(':');
      if (colon == std::string::npos) {
        return InvalidArgumentError(source + ": auths[\"" + key + "\"].auth is not base64 of user:password");
      }
      c.username = decoded.substr(0, colon);
      c.password = decoded.substr(colon + 1);
    }
    if (c.username.empty() && c.identity_token.empty()) continue;  // e.g. an entry a credential helper fills
    out.by_registry_[NormalizeRegistry(key)] = std::move(c);
  }
  return out;
}

StatusOr<RegistryAuth> RegistryAuth::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read registry credentials from " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return FromDockerConfigJson(text.str(), path);
}

StatusOr<RegistryAuth> RegistryAuth::FromDockerCliConfig() {
  std::string dir;
  if (const char* config = std::getenv("DOCKER_CONFIG"); config != nullptr && *config != '\0') {
    dir = config;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    dir = std::string(home) + "/.docker";
  } else {
    return RegistryAuth();
  }
  std::string path = dir + "/config.json";
  std::ifstream probe(path);
  if (!probe) return RegistryAuth();
  return FromFile(path);
}

const RegistryAuth::Credential* RegistryAuth::Find(const std::string& image) const {
  auto it = by_registry_.find(RegistryOfImage(image));
  return it == by_registry_.end() ? nullptr : &it->second;
}

bool RegistryAuth::HasCredentialsFor(const std::string& image) const { return Find(image) != nullptr; }

std::string RegistryAuth::HeaderFor(const std::string& image) const {
  const Credential* c = Find(image);
  if (c == nullptr) return "";
  Json body;
  if (!c->identity_token.empty()) {
    body = {{"identitytoken", c->identity_token}, {"serveraddress", c->server_address}};
  } else {
    body = {{"username", c->username}, {"password", c->password}, {"serveraddress", c->server_address}};
  }
  return Base64Url(body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::vector<std::string> RegistryAuth::Registries() const {
  std::vector<std::string> out;
  for (const auto& [registry, credential] : by_registry_) out.push_back(registry);
  return out;
}

std::string PullFailureHint(const RegistryAuth* auth, const std::string& image,
                            const std::string& task_error) {
  if (!Contains(task_error, "No such image") && !Contains(task_error, "pull access denied") &&
      !Contains(task_error, "no basic auth credentials") && !Contains(task_error, "unauthorized") &&
      !Contains(task_error, "authentication required")) {
    return "";
  }
  const std::string registry = RegistryOfImage(image);
  if (auth == nullptr || !auth->HasCredentialsFor(image)) {
    return "the image " + image + " could not be pulled from registry " + registry +
           ": registry credentials are missing (none were sent for " + registry +
           "; give them in the docker config.json auths: ~/.docker/config.json or $DOCKER_CONFIG for apply, "
           "--registry-auth-file for swarmop run)";
  }
  return "the image " + image + " could not be pulled from registry " + registry +
         " with the credentials sent for " + registry + " (from " + auth->source() +
         "): check them and the image name";
}

}  // namespace swarmop::engine
