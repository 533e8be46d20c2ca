// SiteEngines: endpoints from Sites, independent probes, reconnect after failure.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fake_engine.h"
#include "swarmop/reconciler/sites/site_engines.h"

namespace swarmop::reconciler {
namespace {

using std::chrono::milliseconds;

crds::Site SeparateSite(const std::string& name, const std::string& host, bool tls = false) {
  crds::Site site;
  site.metadata.name = name;
  site.spec.engine = crds::EngineEndpoint{host, std::nullopt};
  if (tls) site.spec.engine->tls = crds::TlsSecrets{"cloud-ca", "cloud-client"};
  return site;
}

TEST(SiteEndpointFor, UnixHostKeepsItsPathAndTakesTheSiteTimeouts) {
  SiteEngineOptions options;
  options.connect_timeout = milliseconds(700);
  options.request_timeout = milliseconds(900);
  auto ep = SiteEndpointFor(SeparateSite("douala", "unix:///run/douala.sock"), options);
  ASSERT_TRUE(ep.ok()) << ep.status().ToString();
  EXPECT_EQ(ep->site, "douala");
  EXPECT_EQ(ep->endpoint.socket_path, "/run/douala.sock");
  EXPECT_EQ(ep->endpoint.connect_timeout, milliseconds(700));
  EXPECT_EQ(ep->endpoint.request_timeout, milliseconds(900));
}

TEST(SiteEndpointFor, TlsSiteReadsItsMaterialFromTheMountedSwarmSecrets) {
  auto ep = SiteEndpointFor(SeparateSite("cloud", "tcp://10.0.0.1", true), {});
  ASSERT_TRUE(ep.ok()) << ep.status().ToString();
  EXPECT_EQ(ep->endpoint.port, 2376);
  ASSERT_TRUE(ep->endpoint.tls.has_value());
  EXPECT_EQ(ep->endpoint.tls->ca_file, "/run/secrets/cloud-ca");
  EXPECT_EQ(ep->endpoint.tls->cert_file, "/run/secrets/cloud-client");
  EXPECT_EQ(ep->endpoint.tls->key_file, "/run/secrets/cloud-client");
}

TEST(SiteEndpointFor, ALocalTlsFolderOverridesTheSecrets) {
  SiteEngineOptions options;
  options.tls_dir = "/etc/swarmop/tls";
  auto ep = SiteEndpointFor(SeparateSite("cloud", "tcp://10.0.0.1:2376", true), options);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->endpoint.tls->ca_file, "/etc/swarmop/tls/cloud/ca.pem");
  EXPECT_EQ(ep->endpoint.tls->key_file, "/etc/swarmop/tls/cloud/key.pem");
}

TEST(SiteEndpointFor, AStretchedSiteHasNoEndpoint) {
  crds::Site site;
  site.metadata.name = "douala";
  EXPECT_EQ(SiteEndpointFor(site, {}).status().code(), Code::kInvalidArgument);
}

TEST(SiteEndpointFor, ABadHostNamesTheSite) {
  auto ep = SiteEndpointFor(SeparateSite("cloud", "10.0.0.1:2376"), {});
  ASSERT_FALSE(ep.ok());
  EXPECT_NE(ep.status().message().find("site cloud"), std::string::npos) << ep.status().ToString();
}

// A connector whose "dark" endpoint blocks for `dark_delay`, then fails; the others connect to fakes.
class FakeConnector {
 public:
  explicit FakeConnector(milliseconds dark_delay) : dark_delay_(dark_delay) {}
  SiteEngines::Connector Get() {
    return [this](const engine::Endpoint& ep) -> StatusOr<std::unique_ptr<engine::Engine>> {
      ++connects_;
      if (ep.socket_path == "/dark.sock" || fail_all_) {
        std::this_thread::sleep_for(dark_delay_);
        return TimeoutError("connect " + ep.ToString());
      }
      return std::unique_ptr<engine::Engine>(new testing::FakeEngine());
    };
  }
  std::atomic<int> connects_{0};
  std::atomic<bool> fail_all_{false};

 private:
  milliseconds dark_delay_;
};

std::vector<SiteEndpoint> Endpoints() {
  std::vector<SiteEndpoint> out;
  for (auto [site, path] :
       {std::pair{"cloud", "/dark.sock"}, {"douala", "/douala.sock"}, {"yaounde", "/yaounde.sock"}}) {
    engine::Endpoint ep;
    ep.socket_path = path;
    out.push_back({site, ep});
  }
  return out;
}

TEST(SiteEngines, ADarkSiteDoesNotDelayTheOthersProbes) {
  FakeConnector connector(milliseconds(600));
  SiteEngines engines(Endpoints(), connector.Get());
  auto start = std::chrono::steady_clock::now();
  std::vector<SiteProbe> probes = engines.ProbeAll();
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(probes.size(), 3u);
  EXPECT_EQ(probes[0].site, "cloud");
  EXPECT_EQ(probes[0].status.code(), Code::kTimeout);
  EXPECT_TRUE(probes[1].status.ok());
  EXPECT_TRUE(probes[2].status.ok());
  EXPECT_LT(probes[1].latency, milliseconds(300));
  EXPECT_LT(took, milliseconds(1100)) << "probes must run in parallel";
}

TEST(SiteEngines, ADarkSiteDoesNotBlockAnotherSitesEngine) {
  FakeConnector connector(milliseconds(800));
  SiteEngines engines(Endpoints(), connector.Get());
  std::thread dark([&] { (void)engines.Probe("cloud"); });
  std::this_thread::sleep_for(milliseconds(50));
  auto start = std::chrono::steady_clock::now();
  auto douala = engines.EngineFor("douala");
  EXPECT_TRUE(douala.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(300));
  dark.join();
}

TEST(SiteEngines, AConnectionIsReusedWhileItWorksAndReopenedAfterAFailure) {
  FakeConnector connector(milliseconds(1));
  SiteEngines engines(Endpoints(), connector.Get());
  EXPECT_TRUE(engines.Probe("douala").status.ok());
  EXPECT_TRUE(engines.Probe("douala").status.ok());
  EXPECT_EQ(connector.connects_.load(), 1);
  auto engine = engines.EngineFor("douala");
  ASSERT_TRUE(engine.ok());
  static_cast<testing::FakeEngine*>(engine->get())->FailNext("ping", 1, UnavailableError("link down"));
  EXPECT_FALSE(engines.Probe("douala").status.ok());
  EXPECT_TRUE(engines.Probe("douala").status.ok());
  EXPECT_EQ(connector.connects_.load(), 2);
}

TEST(SiteEngines, AnUnknownSiteIsNotFound) {
  FakeConnector connector(milliseconds(1));
  SiteEngines engines(Endpoints(), connector.Get());
  EXPECT_EQ(engines.Probe("bafoussam").status.code(), Code::kNotFound);
  EXPECT_EQ(engines.EngineFor("bafoussam").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace swarmop::reconciler
