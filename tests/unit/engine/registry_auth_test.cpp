// Registry credentials: read as the docker CLI reads config.json, sent as X-Registry-Auth (base64url JSON)
// on a service create and on an update that changes the image, and never otherwise.
#include "swarmop/engine/registry_auth.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "json_codec.h"
#include "scripted_server.h"
#include "swarmop/engine/engine.h"

namespace swarmop::engine {
namespace {

using testing::ScriptedConnection;
using testing::ScriptedRequest;
using testing::ScriptedServer;

// user "ci", password "s3cret:with:colons", as `docker login` writes it.
constexpr char kConfig[] = R"({
  "auths": {
    "registry.gitlab.com": {"auth": "Y2k6czNjcmV0OndpdGg6Y29sb25z"},
    "https://index.docker.io/v1/": {"username": "hub", "password": "hubpw"},
    "127.0.0.1:5000": {"identitytoken": "tok"},
    "helper.example.com": {}
  },
  "credsStore": "desktop"
})";

Json DecodeHeader(const std::string& header) {
  std::string standard = header;
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  EXPECT_EQ(header.find_first_of("+/"), std::string::npos) << "base64url, not base64";
  return Json::parse(Base64Decode(standard));
}

TEST(RegistryAuth, ReadsTheAuthsOfADockerConfigAsTheCliDoes) {
  auto auth = RegistryAuth::FromDockerConfigJson(kConfig, "config.json");
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(auth->Registries(),
            (std::vector<std::string>{"127.0.0.1:5000", "docker.io", "registry.gitlab.com"}));
  Json gitlab = DecodeHeader(auth->HeaderFor("registry.gitlab.com/acme/identity:1.4.2"));
  EXPECT_EQ(gitlab, (Json{{"username", "ci"},
                          {"password", "s3cret:with:colons"},
                          {"serveraddress", "registry.gitlab.com"}}));
  Json hub = DecodeHeader(auth->HeaderFor("library/postgres:16"));
  EXPECT_EQ(hub["username"], "hub");
  EXPECT_EQ(hub["serveraddress"], "https://index.docker.io/v1/");
  EXPECT_EQ(DecodeHeader(auth->HeaderFor("postgres:16"))["username"], "hub") << "no registry: Docker Hub";
  EXPECT_EQ(DecodeHeader(auth->HeaderFor("127.0.0.1:5000/app:1")),
            (Json{{"identitytoken", "tok"}, {"serveraddress", "127.0.0.1:5000"}}));
  EXPECT_EQ(auth->HeaderFor("quay.io/other:1"), "");
  EXPECT_EQ(auth->HeaderFor("helper.example.com/x:1"), "") << "an entry a credential helper fills: none";
}

TEST(RegistryAuth, TheRegistryOfAnImageIsDecidedLikeTheDockerCli) {
  EXPECT_EQ(RegistryOfImage("busybox"), "docker.io");
  EXPECT_EQ(RegistryOfImage("acme/app:1"), "docker.io");
  EXPECT_EQ(RegistryOfImage("localhost/app"), "localhost");
  EXPECT_EQ(RegistryOfImage("localhost:5000/app"), "localhost:5000");
  EXPECT_EQ(RegistryOfImage("Registry.GitLab.com/acme/app@sha256:00"), "registry.gitlab.com");
}

TEST(RegistryAuth, AMalformedConfigIsAnErrorThatNamesTheFileButNoSecret) {
  auto broken =
      RegistryAuth::FromDockerConfigJson("{\"auths\": {\"r.io\": {\"auth\": \"bm9jb2xvbg==\"}}}", "f.json");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("f.json"), std::string::npos);
  EXPECT_EQ(broken.status().message().find("nocolon"), std::string::npos);
  EXPECT_FALSE(RegistryAuth::FromDockerConfigJson("not json", "f.json").ok());
  EXPECT_EQ(RegistryAuth::FromFile("/nonexistent/config.json").status().code(), Code::kNotFound);
}

TEST(RegistryAuth, HonoursDockerConfigAndHasNoCredentialsWithoutAFile) {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("swarmop-auth-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  ::setenv("DOCKER_CONFIG", dir.c_str(), 1);
  auto none = RegistryAuth::FromDockerCliConfig();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->Registries().empty());
  std::ofstream(dir + "/config.json") << kConfig;
  auto read = RegistryAuth::FromDockerCliConfig();
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->HasCredentialsFor("registry.gitlab.com/acme/x:1"));
  EXPECT_EQ(read->source(), dir + "/config.json");
  ::unsetenv("DOCKER_CONFIG");
  std::filesystem::remove_all(dir);
}

TEST(RegistryAuth, APullFailureNamesTheRegistryAndWhetherCredentialsWereSent) {
  auto auth = RegistryAuth::FromDockerConfigJson(kConfig, "config.json");
  ASSERT_TRUE(auth.ok());
  const std::string no_image = "No such image: 10.0.0.5:5000/private/app:1";
  std::string missing = PullFailureHint(&*auth, "10.0.0.5:5000/private/app:1", no_image);
  EXPECT_NE(missing.find("registry 10.0.0.5:5000"), std::string::npos) << missing;
  EXPECT_NE(missing.find("registry credentials are missing"), std::string::npos) << missing;
  EXPECT_NE(PullFailureHint(nullptr, "x.io/a:1", no_image).find("credentials are missing"),
            std::string::npos);
  std::string sent = PullFailureHint(&*auth, "registry.gitlab.com/acme/a:1", "pull access denied");
  EXPECT_NE(sent.find("with the credentials sent for registry.gitlab.com"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("s3cret"), std::string::npos);
  EXPECT_EQ(PullFailureHint(&*auth, "x.io/a:1", "task: non-zero exit (1)"), "");
}

// Over the wire, against a scripted engine.
struct Recorded {
  std::unique_ptr<ScriptedServer> server;
  std::unique_ptr<Engine> engine;
};

Recorded ConnectWithAuth() {
  Recorded r;
  r.server = std::make_unique<ScriptedServer>([](const ScriptedRequest& q, ScriptedConnection& c) {
    if (q.target == "/_ping") return c.Send(ScriptedServer::Response(200, "OK", "Api-Version: 1.41\r\n"));
    if (q.target.find("/services/create") != std::string::npos) {
      return c.Send(ScriptedServer::Response(201, R"({"ID":"s1"})"));
    }
    return c.Send(ScriptedServer::Response(200, R"({"Warnings":null})"));
  });
  Endpoint endpoint;
  endpoint.socket_path = r.server->socket_path();
  auto auth = RegistryAuth::FromDockerConfigJson(kConfig, "config.json");
  EXPECT_TRUE(auth.ok());
  endpoint.registry_auth = std::make_shared<const RegistryAuth>(std::move(auth).value());
  auto engine = Connect(endpoint);
  EXPECT_TRUE(engine.ok());
  r.engine = std::move(engine).value();
  return r;
}

ServiceSpec WithImage(const std::string& image, const std::string& raw_image) {
  ServiceSpec spec;
  spec.name = "web";
  spec.task_template.container_spec.image = image;
  if (!raw_image.empty())
    spec.raw_spec = R"({"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":")" + raw_image + "\"}}}";
  return spec;
}

TEST(RegistryAuthOverTheWire, CreateSendsTheHeaderForThatImagesRegistry) {
  Recorded r = ConnectWithAuth();
  ASSERT_TRUE(r.engine->CreateService(WithImage("registry.gitlab.com/acme/a:1", "")).ok());
  ScriptedRequest create = r.server->requests().back();
  ASSERT_TRUE(create.headers.count("x-registry-auth"));
  EXPECT_EQ(DecodeHeader(create.headers["x-registry-auth"])["password"], "s3cret:with:colons");
  ASSERT_TRUE(r.engine->CreateService(WithImage("quay.io/public:1", "")).ok());
  EXPECT_FALSE(r.server->requests().back().headers.count("x-registry-auth")) << "no credentials for quay.io";
}

TEST(RegistryAuthOverTheWire, AnUpdateSendsTheHeaderOnlyWhenTheImageChanges) {
  Recorded r = ConnectWithAuth();
  ASSERT_TRUE(
      r.engine
          ->UpdateService("s1", 7, WithImage("registry.gitlab.com/acme/a:2", "registry.gitlab.com/acme/a:1"))
          .ok());
  EXPECT_TRUE(r.server->requests().back().headers.count("x-registry-auth"));
  ASSERT_TRUE(
      r.engine
          ->UpdateService("s1", 8, WithImage("registry.gitlab.com/acme/a:2", "registry.gitlab.com/acme/a:2"))
          .ok());
  EXPECT_FALSE(r.server->requests().back().headers.count("x-registry-auth"));
}

}  // namespace
}  // namespace swarmop::engine
