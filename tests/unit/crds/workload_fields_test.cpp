// The Service fields for workloads (issue 11): endpoint mode, service mode, volumes, logging. Each is read
// into the model; what the schema cannot say is checked with an error at file:line (see also the broken
// corpus, 41-...).
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace swarmop::crds
