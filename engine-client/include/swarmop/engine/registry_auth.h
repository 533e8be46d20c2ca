// RegistryAuth: credentials for private image registries, read the way the docker CLI reads them (a docker
// config.json's "auths": {"<registry>": {"auth": base64("user:password")} or {"username", "password"} or
// {"identitytoken"}}), and sent as `X-Registry-Auth` when a service is created or its image changes
// (docker stack deploy --with-registry-auth). The engine hands them to the workers that pull the image.
// Credential helpers (credsStore / credHelpers) are not run: their registries count as without credentials.
// Never log a credential or the header: nothing here formats one into a message.
// Thread-safety: immutable after construction.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "swarmop/base/status.h"

namespace swarmop::engine {

class RegistryAuth {
 public:
  RegistryAuth() = default;

  // `text` is a docker config.json; `source` names it in errors ("~/.docker/config.json"). Keys of "auths"
  // may be a host[:port], a URL ("https://index.docker.io/v1/" is Docker Hub), or host/path.
  static StatusOr<RegistryAuth> FromDockerConfigJson(const std::string& text, const std::string& source);
  // Reads a docker config.json file (a Swarm secret such as /run/secrets/registry-auth for `swarmop run`).
  static StatusOr<RegistryAuth> FromFile(const std::string& path);
  // The docker CLI's file: $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json. No file: no
  // credentials (not an error); an unreadable or malformed one is.
  static StatusOr<RegistryAuth> FromDockerCliConfig();

  // The X-Registry-Auth value for pulling `image` (base64url of {"username","password","serveraddress"}, or
  // {"identitytoken","serveraddress"}), or "" when there are no credentials for its registry.
  std::string HeaderFor(const std::string& image) const;
  bool HasCredentialsFor(const std::string& image) const;
  std::vector<std::string> Registries() const;  // the registries with credentials (names only)
  const std::string& source() const { return source_; }

 private:
  struct Credential {
    std::string username;
    std::string password;
    std::string identity_token;
    std::string server_address;  // the key as written in config.json
  };
  const Credential* Find(const std::string& image) const;
  std::map<std::string, Credential> by_registry_;  // normalized registry host -> credential
  std::string source_;
};

// The registry an image reference is pulled from, as the docker CLI decides it: the first path component
// when it holds a '.' or a ':' or is "localhost", otherwise Docker Hub ("docker.io").
std::string RegistryOfImage(const std::string& image);

// When a task's error says its image could not be pulled ("No such image", "pull access denied", ...):
// a sentence naming the image's registry and saying whether credentials were sent for it (`auth` may be
// null: none). Otherwise "".
std::string PullFailureHint(const RegistryAuth* auth, const std::string& image,
                            const std::string& task_error);

}  // namespace swarmop::engine
