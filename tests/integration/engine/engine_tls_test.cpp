// engine-client and SiteEngines over tcp+TLS against a real dockerd started with --tlsverify: a single-node
// TLS test bed this test starts itself (tests/testbed/testbed.sh up --tls, its own --dir) and always tears
// down. Needs root and openssl; FAILS (never skips) when the bed cannot start.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "swarmop/crds/model.h"
#include "swarmop/engine/endpoint.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/sites/site_engines.h"
#include "tcp_forwarder.h"

namespace swarmop::engine_tls_it {
namespace {

using ::testing::HasSubstr;

constexpr uint16_t kTlsPort = 2376;
constexpr const char* kSite = "douala";

int Shell(const std::string& command) {
  std::cerr << "[tls-it] " << command << "\n";
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

std::string Script() { return SWARMOP_TESTBED_SCRIPT; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// The bed: `testbed.sh up --tls` in bed_dir; throw-away files of the test (another CA, site layouts) in
// work_dir. Both are removed at the end, also on SIGINT/SIGTERM.
struct Bed {
  std::string bed_dir, work_dir;
  std::string ip;         // the node's address on the host link, in the server certificate
  std::string cert_path;  // DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem of a client the daemon trusts
  std::string docker_host;
};

Bed g_bed;
Status g_bed_status = UnavailableError("the TLS test bed was not started");
bool g_bed_started = false;

void TearDownBed() {
  if (g_bed_started) Shell(Script() + " down --dir " + g_bed.bed_dir + " >&2");
  g_bed_started = false;
  if (!g_bed.work_dir.empty()) Shell("rm -rf " + g_bed.work_dir);
  g_bed.work_dir.clear();
}

extern "C" void OnSignal(int sig) {
  TearDownBed();  // not async-signal-safe, but leaking a dockerd and a netns on the machine is worse
  std::_Exit(128 + sig);
}

// A CA of its own and a client certificate it signed: the daemon must refuse it.
Status MakeForeignClient(const std::string& dir) {
  std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
  std::string q = " 2>/dev/null";
  if (Shell("mkdir -p " + dir) != 0 ||
      Shell("openssl req -x509" + ec + "-keyout " + dir + "/ca-key.pem -out " + dir +
            "/ca.pem -days 2 -subj '/CN=another CA'" + q) != 0 ||
      Shell("openssl req" + ec + "-keyout " + dir + "/key.pem -out " + dir +
            "/client.csr -subj '/CN=intruder'" + q) != 0 ||
      Shell("printf 'extendedKeyUsage=clientAuth\\n' > " + dir + "/client.ext") != 0 ||
      Shell("openssl x509 -req -in " + dir + "/client.csr -CA " + dir + "/ca.pem -CAkey " + dir +
            "/ca-key.pem -set_serial 7 -days 2 -extfile " + dir + "/client.ext -out " + dir + "/cert.pem" +
            q) != 0) {
    return InternalError("openssl could not make the foreign CA and client certificate in " + dir);
  }
  return Status::Ok();
}

Status StartBed() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  char bed_tmpl[] = "/tmp/swarmop-tls-it.XXXXXX";
  char work_tmpl[] = "/tmp/swarmop-tls-work.XXXXXX";
  if (!::mkdtemp(bed_tmpl) || !::mkdtemp(work_tmpl)) return InternalError("mkdtemp failed");
  g_bed.bed_dir = bed_tmpl;
  g_bed.work_dir = work_tmpl;
  g_bed_started = true;  // from here on `down` must run, also after a half-finished `up`
  if (int rc = Shell(Script() + " up --tls --dir " + g_bed.bed_dir + " >/dev/null"); rc != 0) {
    return UnavailableError("testbed.sh up --tls failed (exit " + std::to_string(rc) +
                            "); it must run as root with openssl, see tests/testbed/README.md");
  }
  // DIR/env: "export NAME=value" lines.
  std::map<std::string, std::string> env;
  std::istringstream lines(ReadFile(g_bed.bed_dir + "/env"));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("export ", 0) != 0) continue;
    size_t eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(7, eq - 7)] = line.substr(eq + 1);
  }
  g_bed.docker_host = env["SWARMOP_TEST_DOCKER_TLS_HOST"];
  g_bed.cert_path = env["DOCKER_CERT_PATH"];
  if (env["DOCKER_HOST"] != g_bed.docker_host || env["DOCKER_TLS_VERIFY"] != "1" || g_bed.cert_path.empty()) {
    return InternalError("unexpected " + g_bed.bed_dir + "/env: DOCKER_HOST, DOCKER_TLS_VERIFY=1, " +
                         "DOCKER_CERT_PATH and SWARMOP_TEST_DOCKER_TLS_HOST are needed");
  }
  std::string prefix = "tcp://";
  std::string suffix = ":" + std::to_string(kTlsPort);
  if (g_bed.docker_host.rfind(prefix, 0) != 0 || g_bed.docker_host.size() <= prefix.size() + suffix.size()) {
    return InternalError("unexpected SWARMOP_TEST_DOCKER_TLS_HOST " + g_bed.docker_host);
  }
  g_bed.ip =
      g_bed.docker_host.substr(prefix.size(), g_bed.docker_host.size() - prefix.size() - suffix.size());
  return MakeForeignClient(g_bed.work_dir + "/foreign");
}

class TlsBedEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    g_bed_status = StartBed();
    if (!g_bed_status.ok()) std::cerr << "[tls-it] " << g_bed_status.ToString() << "\n";
  }
  void TearDown() override { TearDownBed(); }
};

class EngineTls : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(g_bed_status.ok()) << g_bed_status.ToString(); }

  // The bed's endpoint with the given PEM files (empty: not given).
  engine::Endpoint Endpoint(const std::string& ca, const std::string& cert, const std::string& key,
                            const std::string& host = "", uint16_t port = kTlsPort) {
    engine::Endpoint endpoint;
    endpoint.scheme = engine::Endpoint::Scheme::kTcp;
    endpoint.host = host.empty() ? g_bed.ip : host;
    endpoint.port = port;
    endpoint.tls = engine::TlsOptions{true, ca, cert, key};
    endpoint.connect_timeout = std::chrono::seconds(5);
    endpoint.request_timeout = std::chrono::seconds(10);
    return endpoint;
  }
  std::string Bed(const std::string& file) { return g_bed.cert_path + "/" + file; }
  std::string Foreign(const std::string& file) { return g_bed.work_dir + "/foreign/" + file; }

  crds::Site Site() {
    crds::Site site;
    site.metadata.name = kSite;
    site.spec.engine =
        crds::EngineEndpoint{g_bed.docker_host, crds::TlsSecrets{"douala-ca", "douala-client"}};
    return site;
  }

  // Expects a refused connection whose error names the endpoint and says it was TLS.
  void ExpectRefused(const engine::Endpoint& endpoint, const std::string& also) {
    auto engine = engine::Connect(endpoint);
    ASSERT_FALSE(engine.ok()) << "connected to " << endpoint.ToString() << " although it must be refused";
    std::cerr << "[tls-it] refused as expected: " << engine.status().ToString() << "\n";
    EXPECT_EQ(engine.status().code(), Code::kUnavailable) << engine.status().ToString();
    EXPECT_THAT(engine.status().message(), HasSubstr(endpoint.ToString()));
    EXPECT_THAT(engine.status().message(), HasSubstr("TLS"));
    EXPECT_THAT(engine.status().message(), HasSubstr(also));
  }
};

TEST_F(EngineTls, TheDockerCliEnvironmentReachesTheEngineOverTlsAndWritesAConfig) {
  ::setenv("DOCKER_HOST", g_bed.docker_host.c_str(), 1);
  ::setenv("DOCKER_TLS_VERIFY", "1", 1);
  ::setenv("DOCKER_CERT_PATH", g_bed.cert_path.c_str(), 1);
  ::unsetenv("DOCKER_TLS");
  ::unsetenv("DOCKER_API_VERSION");
  auto endpoint = engine::EndpointFromEnvironment();
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
  EXPECT_EQ(endpoint->ToString(), g_bed.docker_host);
  ASSERT_TRUE(endpoint->tls.has_value());
  EXPECT_TRUE(endpoint->tls->verify);
  EXPECT_EQ(endpoint->tls->ca_file, Bed("ca.pem"));

  auto engine = engine::Connect(*endpoint);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_TRUE((*engine)->Ping().ok());
  auto info = (*engine)->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->swarm_state, "active");
  EXPECT_TRUE(info->control_available);

  engine::ConfigSpec spec;
  spec.name = "tls-it-" + std::to_string(::getpid());
  spec.labels = {{"io.swarmop.test-run", spec.name}};
  spec.data = "carried over TLS\n";
  auto id = (*engine)->CreateConfig(spec);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto config = (*engine)->InspectConfig(spec.name);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->id, *id);
  EXPECT_EQ(config->spec.data, spec.data);
  EXPECT_EQ(config->spec.labels, spec.labels);
  EXPECT_TRUE((*engine)->RemoveConfig(*id).ok());
  EXPECT_EQ((*engine)->InspectConfig(*id).status().code(), Code::kNotFound);
}

TEST_F(EngineTls, ASeparateSwarmSiteIsReachedWithThePemFilesOfTlsDir) {
  std::string tls_dir = g_bed.work_dir + "/tls-dir";
  ASSERT_EQ(Shell("mkdir -p " + tls_dir + "/" + kSite), 0);
  for (const char* file : {"ca.pem", "cert.pem", "key.pem"}) {
    ASSERT_TRUE(WriteFile(tls_dir + "/" + kSite + "/" + file, ReadFile(Bed(file))));
  }
  reconciler::SiteEngineOptions options;
  options.tls_dir = tls_dir;
  options.secrets_dir = g_bed.work_dir + "/no-secrets-here";  // must not be read
  auto site = reconciler::SiteEndpointFor(Site(), options);
  ASSERT_TRUE(site.ok()) << site.status().ToString();
  ASSERT_TRUE(site->endpoint.tls.has_value());
  EXPECT_EQ(site->endpoint.tls->cert_file, tls_dir + "/douala/cert.pem");
  EXPECT_EQ(site->endpoint.tls->key_file, tls_dir + "/douala/key.pem");

  reconciler::SiteEngines engines({*site});
  auto probes = engines.ProbeAll();  // connects
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_TRUE(probes[0].status.ok()) << probes[0].status.ToString();
  reconciler::SiteProbe again = engines.Probe(kSite);  // pings the held connection
  EXPECT_TRUE(again.status.ok()) << again.status.ToString();
  auto engine = engines.EngineFor(kSite);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto info = (*engine)->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->swarm_state, "active");
}

TEST_F(EngineTls, ASeparateSwarmSiteIsReachedWithTheSwarmSecretsItNames) {
  // As Swarm mounts them into swarmop's service: the CA, and the client certificate followed by its key.
  std::string secrets = g_bed.work_dir + "/secrets";
  ASSERT_EQ(Shell("mkdir -p " + secrets), 0);
  ASSERT_TRUE(WriteFile(secrets + "/douala-ca", ReadFile(Bed("ca.pem"))));
  ASSERT_TRUE(WriteFile(secrets + "/douala-client", ReadFile(Bed("cert.pem")) + ReadFile(Bed("key.pem"))));
  reconciler::SiteEngineOptions options;
  options.secrets_dir = secrets;
  auto site = reconciler::SiteEndpointFor(Site(), options);
  ASSERT_TRUE(site.ok()) << site.status().ToString();
  ASSERT_TRUE(site->endpoint.tls.has_value());
  EXPECT_EQ(site->endpoint.tls->ca_file, secrets + "/douala-ca");
  EXPECT_EQ(site->endpoint.tls->cert_file, secrets + "/douala-client");
  EXPECT_EQ(site->endpoint.tls->key_file, secrets + "/douala-client");

  reconciler::SiteEngines engines({*site});
  reconciler::SiteProbe probe = engines.Probe(kSite);
  EXPECT_TRUE(probe.status.ok()) << probe.status.ToString();
  auto engine = engines.EngineFor(kSite);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto configs = (*engine)->ListConfigs(engine::ListFilter{});
  EXPECT_TRUE(configs.ok()) << configs.status().ToString();

  // The same secret holding a certificate of another CA: the probe fails and says which site and why.
  ASSERT_TRUE(
      WriteFile(secrets + "/douala-client", ReadFile(Foreign("cert.pem")) + ReadFile(Foreign("key.pem"))));
  reconciler::SiteEngines refused({*site});
  reconciler::SiteProbe failed = refused.Probe(kSite);
  ASSERT_FALSE(failed.status.ok());
  std::cerr << "[tls-it] site probe refused as expected: " << failed.status.ToString() << "\n";
  EXPECT_THAT(failed.status.message(), HasSubstr("site douala"));
  EXPECT_THAT(failed.status.message(), HasSubstr(g_bed.docker_host));
  EXPECT_THAT(failed.status.message(), HasSubstr("TLS"));
}

TEST_F(EngineTls, AClientCertificateFromAnotherCaIsRefused) {
  // TLS 1.3: the engine refuses after the client's handshake, with an alert on the first request.
  ExpectRefused(Endpoint(Bed("ca.pem"), Foreign("cert.pem"), Foreign("key.pem")), "alert bad certificate");
}

TEST_F(EngineTls, NoClientCertificateIsRefusedByTlsVerify) {
  ExpectRefused(Endpoint(Bed("ca.pem"), "", ""), "alert bad certificate");
}

TEST_F(EngineTls, AServerCertificateFromAnotherCaIsRefused) {
  ExpectRefused(Endpoint(Foreign("ca.pem"), Bed("cert.pem"), Bed("key.pem")),
                "certificate verify failed (unable to get local issuer certificate)");
}

TEST_F(EngineTls, AServerCertificateThatDoesNotNameTheAddressIsRefused) {
  // The server certificate names 127.0.0.1 and the node's address. The same daemon, relayed byte for byte
  // from 127.0.0.1 (named) and from 127.0.0.2 (not named).
  testsupport::Upstream upstream;
  upstream.tcp_ip = g_bed.ip;
  upstream.tcp_port = kTlsPort;
  auto named = testsupport::TcpForwarder::Start("", "127.0.0.1", 0, upstream);
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  auto unnamed = testsupport::TcpForwarder::Start("", "127.0.0.2", 0, upstream);
  ASSERT_TRUE(unnamed.ok()) << unnamed.status().ToString();

  auto control = engine::Connect(
      Endpoint(Bed("ca.pem"), Bed("cert.pem"), Bed("key.pem"), "127.0.0.1", (*named)->port()));
  EXPECT_TRUE(control.ok()) << "through the relay on 127.0.0.1: " << control.status().ToString();

  engine::Endpoint wrong_name =
      Endpoint(Bed("ca.pem"), Bed("cert.pem"), Bed("key.pem"), "127.0.0.2", (*unnamed)->port());
  ExpectRefused(wrong_name, "certificate verify failed (IP address mismatch)");

  // A host name the certificate does not hold, resolved to the relay that works with 127.0.0.1.
  ExpectRefused(Endpoint(Bed("ca.pem"), Bed("cert.pem"), Bed("key.pem"), "localhost", (*named)->port()),
                "certificate verify failed (hostname mismatch)");

  // Without verification (DOCKER_TLS without DOCKER_TLS_VERIFY) the same address is accepted.
  wrong_name.tls->verify = false;
  auto unverified = engine::Connect(wrong_name);
  EXPECT_TRUE(unverified.ok()) << unverified.status().ToString();
}

}  // namespace
}  // namespace swarmop::engine_tls_it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new swarmop::engine_tls_it::TlsBedEnvironment);
  return RUN_ALL_TESTS();
}
