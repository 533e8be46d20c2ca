// The Service fields for workloads (issue 11): endpoint mode, service mode, volumes, logging. Each is read
// into the model; what the schema cannot say is checked with an error at file:line (see also the broken
// corpus, 41-...).
#include <gtest/gtest.h>

#include "swarmop/crds/canonical.h"
#include "test_util.h"

namespace swarmop::crds {
namespace {

using testing::LoadText;

const char* kSite = R"(
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: douala}
spec: {role: edge, nodeSelector: {site: douala}}
---
)";

Service LoadOne(const std::string& service_yaml) {
  LoadResult result = LoadText(std::string(kSite) + service_yaml);
  EXPECT_TRUE(result.ok()) << FormatDiagnostics(result.errors);
  EXPECT_EQ(result.state.services.size(), 1u);
  return result.state.services.empty() ? Service{} : result.state.services[0];
}

std::string ErrorsOf(const std::string& service_yaml) {
  return FormatDiagnostics(LoadText(std::string(kSite) + service_yaml).errors);
}

TEST(WorkloadFields, EndpointModeIsUnsetUnlessGiven) {
  Service web = LoadOne(R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: web}
spec: {image: nginx, sites: {douala: {}}}
)");
  EXPECT_FALSE(web.spec.endpoint_mode.has_value());
}

TEST(WorkloadFields, EndpointModeDnsrrIsReadIntoTheModel) {
  Service web = LoadOne(R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: web}
spec: {image: nginx, sites: {douala: {}}, endpointMode: dnsrr, ports: [{target: 80, mode: host}]}
)");
  EXPECT_EQ(web.spec.endpoint_mode, EndpointMode::kDnsrr);
}

TEST(WorkloadFields, EndpointModeDnsrrWithAnIngressPortIsAnErrorAtThatPort) {
  EXPECT_EQ(ErrorsOf(R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: web}
spec:
  image: nginx
  sites: {douala: {}}
  endpointMode: dnsrr
  ports: [{target: 80}]
)"),
            "test.yaml:15:11: Service/web: spec.ports[0]: endpointMode dnsrr cannot publish through the "
            "routing mesh (ingress); set mode: host\n");
}

TEST(WorkloadFields, ModeGlobalVolumesAndLoggingAreReadIntoTheModel) {
  Service agent = LoadOne(R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: agent}
spec:
  image: busybox
  mode: global
  sites: {douala: {}}
  volumes:
    - {source: agent-data, target: /data}
    - {source: certs, target: /certs, readOnly: true}
    - {type: tmpfs, target: /tmp, size: 64Mi}
  logging: {driver: gelf, options: {gelf-address: "udp://127.0.0.1:12201", gelf-compression-level: 1}}
)");
  EXPECT_EQ(agent.spec.mode, ServiceMode::kGlobal);
  ASSERT_EQ(agent.spec.volumes.size(), 3u);
  EXPECT_EQ(agent.spec.volumes[0].type, VolumeMount::Type::kVolume);
  EXPECT_EQ(agent.spec.volumes[0].source, "agent-data");
  EXPECT_FALSE(agent.spec.volumes[0].read_only);
  EXPECT_TRUE(agent.spec.volumes[1].read_only);
  EXPECT_EQ(agent.spec.volumes[2].type, VolumeMount::Type::kTmpfs);
  EXPECT_EQ(agent.spec.volumes[2].size_bytes, 64 * 1024 * 1024);
  ASSERT_TRUE(agent.spec.logging.has_value());
  EXPECT_EQ(agent.spec.logging->driver, "gelf");
  EXPECT_EQ(agent.spec.logging->options,
            (StringMap{{"gelf-address", "udp://127.0.0.1:12201"}, {"gelf-compression-level", "1"}}));
}

TEST(WorkloadFields, ModeIsReplicatedAndNothingIsMountedOrLoggedUnlessGiven) {
  Service web = LoadOne(R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: web}
spec: {image: nginx, sites: {douala: {replicas: 3}}}
)");
  EXPECT_EQ(web.spec.mode, ServiceMode::kReplicated);
  EXPECT_TRUE(web.spec.volumes.empty());
  EXPECT_FALSE(web.spec.logging.has_value());
  EXPECT_FALSE(web.spec.kong.has_value());
}

TEST(WorkloadFields, GlobalModeRejectsReplicasPerNodeLimitsAndTakeover) {
  EXPECT_EQ(
      ErrorsOf(R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: agent}
spec:
  image: busybox
  mode: global
  sites: {douala: {replicas: 3}}
  placement: {maxReplicasPerNode: 1}
  failover: takeover
)"),
      "test.yaml:14:20: Service/agent: spec.sites.douala.replicas: mode global runs one task on every node "
      "of the site; leave replicas out (got 3)\n"
      "test.yaml:15:15: Service/agent: spec.placement.maxReplicasPerNode: only for mode replicated (global "
      "runs one task per node)\n"
      "test.yaml:16:3: Service/agent: spec.failover: takeover moves a site's replicas to its partner; a "
      "global service has none (use stay)\n");
}

TEST(WorkloadFields, AGlobalServiceRoundTripsThroughItsCanonicalYaml) {
  LoadResult first = LoadText(std::string(kSite) + R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: agent}
spec: {image: busybox, mode: global, sites: {douala: {}}, volumes: [{type: tmpfs, target: /tmp}]}
)");
  ASSERT_TRUE(first.ok()) << FormatDiagnostics(first.errors);
  // The canonical form carries the schema's replicas: 1, which global mode accepts.
  LoadResult again = LoadText(std::string(kSite) + ToCanonicalYaml(first.state.services[0]));
  ASSERT_TRUE(again.ok()) << FormatDiagnostics(again.errors);
  EXPECT_EQ(again.state.services[0].hash, first.state.services[0].hash);
}

TEST(WorkloadFields, VolumeMistakesAreErrorsAtTheMount) {
  EXPECT_EQ(
      ErrorsOf(R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: db}
spec:
  image: postgres
  sites: {douala: {}}
  volumes:
    - {target: /var/lib/postgresql/data}
    - {source: data, target: /data, size: 1Gi}
    - {type: tmpfs, source: scratch, target: /scratch, readOnly: true}
    - {source: more, target: /data}
)"),
      "test.yaml:15:7: Service/db: spec.volumes[0]: a volume mount needs source (the volume's name)\n"
      "test.yaml:16:37: Service/db: spec.volumes[1].size: only for type tmpfs\n"
      "test.yaml:17:21: Service/db: spec.volumes[2].source: only for type volume (a tmpfs has no source)\n"
      "test.yaml:17:56: Service/db: spec.volumes[2].readOnly: only for type volume (a read-only tmpfs stays "
      "empty)\n"
      "test.yaml:18:22: Service/db: spec.volumes[3].target: \"/data\" is already mounted by volumes[1]\n");
}

TEST(WorkloadFields, KongPluginsAreReadWithTheirConfigAsSortedJson) {
  LoadResult result = LoadText(std::string(kSite) + R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: api}
spec: {image: api, sites: {douala: {}}, expose: {port: 8000, paths: [/api]}}
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: gateway}
spec:
  profile: kong
  image: kong:3.6
  sites: {douala: {}}
  kong:
    plugins:
      - {name: rate-limiting, service: api, config: {policy: local, minute: 600}}
      - {name: prometheus}
)");
  ASSERT_TRUE(result.ok()) << FormatDiagnostics(result.errors);
  const Service* gateway = result.state.FindService("gateway");
  ASSERT_TRUE(gateway != nullptr && gateway->spec.kong.has_value());
  ASSERT_EQ(gateway->spec.kong->plugins.size(), 2u);
  EXPECT_EQ(gateway->spec.kong->plugins[0].name, "rate-limiting");
  EXPECT_EQ(gateway->spec.kong->plugins[0].service, "api");
  EXPECT_EQ(gateway->spec.kong->plugins[0].config_json, R"({"minute":600,"policy":"local"})");
  EXPECT_EQ(gateway->spec.kong->plugins[1].config_json, "");
}

TEST(WorkloadFields, KongMistakesAreErrors) {
  EXPECT_EQ(ErrorsOf(R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: api}
spec: {image: api, sites: {douala: {}}, expose: {port: 8000}, kong: {plugins: [{name: cors}]}}
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: gateway}
spec:
  profile: kong
  image: kong:3.6
  sites: {douala: {}}
  kong:
    plugins:
      - {name: cors, service: worker}
      - {name: prometheus}
      - {name: prometheus}
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: worker}
spec: {image: worker, sites: {douala: {}}}
)"),
            "test.yaml:11:41: Service/api: spec.expose: give paths or hosts (what the gateway routes to this "
            "service)\n"
            "test.yaml:11:63: Service/api: spec.kong: only for profile kong\n"
            "test.yaml:24:9: Service/gateway: spec.kong.plugins[2]: plugin prometheus is already configured "
            "globally by plugins[1] (Kong allows one)\n");
}

TEST(WorkloadFields, AKongPluginForAServiceThatExposesNothingIsAnError) {
  EXPECT_EQ(
      ErrorsOf(R"(
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: gateway}
spec:
  profile: kong
  image: kong:3.6
  sites: {douala: {}}
  kong: {plugins: [{name: cors, service: worker}, {name: cors, service: nobody}]}
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: worker}
spec: {image: worker, sites: {douala: {}}}
)"),
      "test.yaml:15:33: Service/gateway: spec.kong.plugins[0].service: Service worker has no expose, so "
      "the gateway has no route to it\n"
      "test.yaml:15:64: Service/gateway: spec.kong.plugins[1].service: no Service named \"nobody\"\n");
}

}  // namespace
}  // namespace swarmop::crds
