// Canonical serialisation and the spec hash.
#include "swarmop/crds/canonical.h"

#include <gtest/gtest.h>

#include "swarmop/crds/load.h"
#include "test_util.h"

namespace swarmop::crds {
namespace {

using testing::kThreeSites;
using testing::LoadText;

const char* kApi = R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata:
  name: api
  labels: {tier: api}
spec:
  image: acme/api:1.0
  env: {WORKERS: 4, MODE: "0", DEBUG: false, RATIO: 0.5}
  sites: {douala: {replicas: 2}, cloud: {}}
  healthcheck: {http: /healthz, port: 8000, interval: 1m30s}
  ports: [{target: 8000}]
  secrets: [api-key, {name: api-tls, target: /tls}]
  configs: [{target: /etc/app.conf, content: "a: 1\n"}]
  resources: {limits: {cpus: 0.5, memory: 512Mi}, reservations: {memory: 1G}}
)";

Service OnlyService(const LoadResult& result) {
  EXPECT_EQ(FormatDiagnostics(result.errors), "");
  EXPECT_EQ(result.state.services.size(), 1u);
  return result.state.services.at(0);
}

TEST(Canonical, ValidManifestRoundTripsThroughCanonicalYaml) {
  LoadResult first = LoadText(std::string(kThreeSites) + kApi);
  const Service api = OnlyService(first);
  LoadResult second = LoadText(std::string(kThreeSites) + "---\n" + ToCanonicalYaml(api));
  const Service again = OnlyService(second);
  EXPECT_EQ(ToCanonicalJson(again), ToCanonicalJson(api));
  EXPECT_EQ(ToCanonicalYaml(again), ToCanonicalYaml(api));
  EXPECT_EQ(again.hash, api.hash);
}

TEST(Canonical, EverySiteAndReplicationRoundTripsToo) {
  LoadResult first = LoadSpecs(*ReadSources({std::string(SWARMOP_SOURCE_DIR) + "/manifests/reference"}));
  ASSERT_TRUE(first.ok());
  std::string canonical;
  for (const Site& s : first.state.sites) canonical += "---\n" + ToCanonicalYaml(s);
  for (const Replication& r : first.state.replications) canonical += "---\n" + ToCanonicalYaml(r);
  for (const Service& s : first.state.services) canonical += "---\n" + ToCanonicalYaml(s);
  LoadResult second = LoadText(canonical);
  ASSERT_EQ(FormatDiagnostics(second.errors), "");
  for (size_t i = 0; i < first.state.replications.size(); ++i) {
    EXPECT_EQ(second.state.replications[i].hash, first.state.replications[i].hash);
    EXPECT_EQ(ToCanonicalJson(second.state.replications[i]), ToCanonicalJson(first.state.replications[i]));
  }
  for (size_t i = 0; i < first.state.services.size(); ++i) {
    EXPECT_EQ(second.state.services[i].hash, first.state.services[i].hash);
  }
}

TEST(Canonical, CanonicalJsonHasSortedKeysAndDefaultsApplied) {
  const Service api = OnlyService(LoadText(std::string(kThreeSites) + kApi));
  std::string json = ToCanonicalJson(api);
  EXPECT_EQ(json.rfind(R"({"apiVersion":"swarmop.io/v1alpha1","kind":"Service","metadata":)", 0), 0u) << json;
  EXPECT_NE(json.find(R"("profile":"generic")"), std::string::npos);
  EXPECT_NE(json.find(R"("cloud":{"replicas":1})"), std::string::npos);
  EXPECT_NE(json.find(R"("retries":3)"), std::string::npos);
}

TEST(Canonical, StringsThatLookLikeOtherTypesAreQuotedInYaml) {
  const Service api = OnlyService(LoadText(std::string(kThreeSites) + kApi));
  std::string yaml = ToCanonicalYaml(api);
  EXPECT_NE(yaml.find(R"(MODE: "0")"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("WORKERS: 4"), std::string::npos) << yaml;
}

TEST(Canonical, KeyOrderAndFormattingDoNotChangeTheHash) {
  const Service a = OnlyService(LoadText(std::string(kThreeSites) + kApi));
  const char* reordered = R"(
kind: Service
spec:
  resources:
    reservations: {memory: 1G}
    limits: {memory: 512Mi, cpus: 0.5}
  configs:
    - content: "a: 1\n"
      target: /etc/app.conf
  secrets: [api-key, {target: /tls, name: api-tls}]
  ports: [{target: 8000}]
  healthcheck: {port: 8000, interval: 1m30s, http: /healthz}
  sites:
    cloud: {replicas: 1}
    douala: {replicas: 2}
  env: {RATIO: 0.5, DEBUG: false, MODE: "0", WORKERS: 4}
  image: "acme/api:1.0"
  profile: generic   # the default, written out
metadata: {labels: {tier: api}, name: api}
apiVersion: swarmop.io/v1alpha1
)";
  const Service b = OnlyService(LoadText(std::string(kThreeSites) + reordered));
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(ToCanonicalJson(a), ToCanonicalJson(b));
}

TEST(Canonical, AChangedFieldChangesTheHash) {
  const Service a = OnlyService(LoadText(std::string(kThreeSites) + kApi));
  std::string changed = kApi;
  changed.replace(changed.find("replicas: 2"), 11, "replicas: 3");
  const Service b = OnlyService(LoadText(std::string(kThreeSites) + changed));
  EXPECT_NE(a.hash, b.hash);
}

TEST(Canonical, MetadataLabelsDoNotChangeTheSpecHash) {
  const Service a = OnlyService(LoadText(std::string(kThreeSites) + kApi));
  std::string relabelled = kApi;
  relabelled.replace(relabelled.find("tier: api"), 9, "tier: web");
  const Service b = OnlyService(LoadText(std::string(kThreeSites) + relabelled));
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_NE(ToCanonicalJson(a), ToCanonicalJson(b));
}

TEST(Canonical, Sha256HexMatchesAKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Model, UnitsAreParsedIntoTheModel) {
  const Service api = OnlyService(LoadText(std::string(kThreeSites) + kApi));
  EXPECT_EQ(api.spec.resources.limits.nano_cpus, 500000000);
  EXPECT_EQ(api.spec.resources.limits.memory_bytes, 512LL * 1024 * 1024);
  EXPECT_EQ(api.spec.resources.reservations.memory_bytes, 1000000000);
  EXPECT_EQ(api.spec.healthcheck->interval, std::chrono::seconds(90));
  EXPECT_EQ(api.spec.env.at("WORKERS"), "4");
  EXPECT_EQ(api.spec.env.at("DEBUG"), "false");
  ASSERT_EQ(api.spec.secrets.size(), 2u);
  EXPECT_EQ(api.spec.secrets[1].target, "/tls");
  ASSERT_EQ(api.spec.ports.size(), 1u);
  EXPECT_EQ(api.spec.ports[0].published, 8000);
  EXPECT_EQ(api.spec.ports[0].mode, PublishMode::kIngress);
  EXPECT_EQ(api.spec.restart.condition, RestartCondition::kAny);
  EXPECT_EQ(api.spec.update.monitor, std::chrono::seconds(5));
  EXPECT_EQ(api.spec.failover, FailoverPolicy::kStay);
}

}  // namespace
}  // namespace swarmop::crds

namespace swarmop::crds {
namespace {

TEST(Canonical, EmptyCollectionsAndMultilineStringsRoundTrip) {
  const char* yaml = R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: web, labels: {}, annotations: {note: "line one\nline two: with colon"}}
spec:
  image: nginx
  command: []
  env: {EMPTY: "", NULLISH: "null", SPACES: "  padded  ", HASH: "# not a comment"}
  sites: {cloud: {constraints: []}}
  configs: [{target: /etc/x.conf, content: "key: value\n- item\n"}]
)";
  LoadResult first = testing::LoadText(std::string(testing::kThreeSites) + yaml);
  ASSERT_EQ(FormatDiagnostics(first.errors), "");
  const Service& web = first.state.services.at(0);
  LoadResult second = testing::LoadText(std::string(testing::kThreeSites) + "---\n" + ToCanonicalYaml(web));
  ASSERT_EQ(FormatDiagnostics(second.errors), "") << ToCanonicalYaml(web);
  EXPECT_EQ(ToCanonicalJson(second.state.services.at(0)), ToCanonicalJson(web)) << ToCanonicalYaml(web);
  EXPECT_EQ(second.state.services.at(0).hash, web.hash);
}

}  // namespace
}  // namespace swarmop::crds
