#include "swarmop/engine/endpoint.h"

#include <gtest/gtest.h>

#include <map>

namespace swarmop::engine {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

TEST(ParseDockerHost, UnixSocketKeepsItsPath) {
  auto endpoint = ParseDockerHost("unix:///tmp/x/docker.sock");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
  EXPECT_EQ(endpoint->scheme, Endpoint::Scheme::kUnix);
  EXPECT_EQ(endpoint->socket_path, "/tmp/x/docker.sock");
  EXPECT_EQ(endpoint->ToString(), "unix:///tmp/x/docker.sock");
}

TEST(ParseDockerHost, TcpWithPort) {
  auto endpoint = ParseDockerHost("tcp://10.78.0.2:2376");
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->scheme, Endpoint::Scheme::kTcp);
  EXPECT_EQ(endpoint->host, "10.78.0.2");
  EXPECT_EQ(endpoint->port, 2376);
}

TEST(ParseDockerHost, TcpWithoutPortDefaultsTo2375Or2376WithTls) {
  EXPECT_EQ(ParseDockerHost("tcp://docker.example")->port, 2375);
  EXPECT_EQ(ParseDockerHost("tcp://docker.example", /*tls=*/true)->port, 2376);
}

TEST(ParseDockerHost, BracketedIpv6HostLosesItsBrackets) {
  auto endpoint = ParseDockerHost("tcp://[::1]:2375");
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, 2375);
}

TEST(ParseDockerHost, BadValuesAreInvalidArguments) {
  for (const char* bad : {"", "http://x", "unix://relative", "tcp://", "tcp://h:notaport", "tcp://h:70000"}) {
    auto endpoint = ParseDockerHost(bad);
    EXPECT_FALSE(endpoint.ok()) << bad;
    EXPECT_EQ(endpoint.status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(EndpointFromEnvironment, DefaultsToTheSystemSocket) {
  auto endpoint = EndpointFromEnvironment(Env({}));
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->ToString(), "unix:///var/run/docker.sock");
  EXPECT_FALSE(endpoint->tls.has_value());
  EXPECT_EQ(endpoint->api_version, "");
}

TEST(EndpointFromEnvironment, TlsVerifyUsesTheCertPathFiles) {
  auto endpoint = EndpointFromEnvironment(Env({{"DOCKER_HOST", "tcp://10.0.0.1"},
                                               {"DOCKER_TLS_VERIFY", "1"},
                                               {"DOCKER_CERT_PATH", "/certs"},
                                               {"DOCKER_API_VERSION", "1.44"}}));
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->port, 2376);
  ASSERT_TRUE(endpoint->tls.has_value());
  EXPECT_TRUE(endpoint->tls->verify);
  EXPECT_EQ(endpoint->tls->ca_file, "/certs/ca.pem");
  EXPECT_EQ(endpoint->tls->cert_file, "/certs/cert.pem");
  EXPECT_EQ(endpoint->tls->key_file, "/certs/key.pem");
  EXPECT_EQ(endpoint->api_version, "1.44");
}

TEST(EndpointFromEnvironment, CertPathDefaultsToHomeDotDocker) {
  auto endpoint = EndpointFromEnvironment(
      Env({{"DOCKER_HOST", "tcp://h:1"}, {"DOCKER_TLS_VERIFY", "1"}, {"HOME", "/home/op"}}));
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->tls->ca_file, "/home/op/.docker/ca.pem");
}

TEST(EndpointFromEnvironment, DockerTlsWithoutVerifyEncryptsButDoesNotVerify) {
  auto endpoint = EndpointFromEnvironment(Env({{"DOCKER_HOST", "tcp://h:1"}, {"DOCKER_TLS", "1"}}));
  ASSERT_TRUE(endpoint.ok());
  ASSERT_TRUE(endpoint->tls.has_value());
  EXPECT_FALSE(endpoint->tls->verify);
}

}  // namespace
}  // namespace swarmop::engine
