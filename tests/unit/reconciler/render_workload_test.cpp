// The Service fields for workloads (issue 11) through render, diff and plan: each renders to the engine
// field it names, a change shows in the plan as one update of the services it touches, and an unchanged
// spec plans nothing (zero writes on the fake swarm).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "estate_fixtures.h"
#include "swarmop/engine/counting_engine.h"

namespace swarmop::reconciler {
namespace {

using ::testing::HasSubstr;
using namespace swarmop::reconciler::testing;
using swarmop::testing::FakeEngine;

crds::DesiredState OneSite() {
  crds::DesiredState desired;
  desired.sites = {Site("douala")};
  desired.services = {Service("web", {{"douala", 2}}), Service("worker", {{"douala", 1}})};
  return desired;
}

const engine::ServiceSpec& Rendered(const RenderedState& out, const std::string& name) {
  const DesiredService* service = out.FindService(name);
  EXPECT_NE(service, nullptr) << name;
  static const engine::ServiceSpec kNone;
  return service != nullptr ? service->spec : kNone;
}

RenderedState MustRender(const crds::DesiredState& desired) {
  auto rendered = Render(desired);
  EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
  return rendered.ok() ? *rendered : RenderedState{};
}

// Converges `desired` on a fake swarm, applies `change` to web's spec and returns the next plan; checks
// that converging the changed spec twice writes nothing the second time.
std::string PlanAfterChange(const std::function<void(crds::ServiceSpec&)>& change) {
  FakeEngine fake;
  crds::DesiredState desired = OneSite();
  EXPECT_TRUE(Converge(fake, desired).ok());
  change(desired.services[0].spec);
  std::string plan = ToString(PlanOf(fake, desired));
  EXPECT_TRUE(Converge(fake, desired).ok());
  engine::CountingEngine counting(&fake);
  EXPECT_TRUE(Converge(counting, desired).ok());
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
  return plan;
}

TEST(RenderWorkload, EndpointModeIsLeftToTheEngineUnlessDnsrr) {
  crds::DesiredState desired = OneSite();
  desired.services[0].spec.endpoint_mode = crds::EndpointMode::kDnsrr;
  desired.services[1].spec.endpoint_mode = crds::EndpointMode::kVip;
  RenderedState out = MustRender(desired);
  EXPECT_EQ(Rendered(out, "web-douala").endpoint_spec->mode, "dnsrr");
  EXPECT_EQ(Rendered(out, "worker-douala").endpoint_spec->mode, "");  // vip, Swarm's default
}

TEST(RenderWorkload, ChangedEndpointModeIsOneUpdateOfThatService) {
  EXPECT_EQ(PlanAfterChange([](crds::ServiceSpec& spec) { spec.endpoint_mode = crds::EndpointMode::kDnsrr; }),
            "update service web-douala\n  endpoint.mode: vip -> dnsrr\n");
}

TEST(RenderWorkload, ExplicitVipPlansNothingOnAServiceThatHadNoMode) {
  EXPECT_EQ(PlanAfterChange([](crds::ServiceSpec& spec) { spec.endpoint_mode = crds::EndpointMode::kVip; }),
            "");
}

}  // namespace
}  // namespace swarmop::reconciler
