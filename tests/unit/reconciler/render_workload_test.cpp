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

TEST(RenderWorkload, GlobalModeRendersSwarmsGlobalModeAtEachSite) {
  crds::DesiredState desired = OneSite();
  desired.services[0].spec.mode = crds::ServiceMode::kGlobal;
  RenderedState out = MustRender(desired);
  EXPECT_EQ(Rendered(out, "web-douala").mode.kind, engine::ServiceMode::Kind::kGlobal);
  EXPECT_EQ(Rendered(out, "worker-douala").mode.kind, engine::ServiceMode::Kind::kReplicated);
  EXPECT_THAT(Rendered(out, "web-douala").task_template.placement.constraints,
              ::testing::Contains("node.labels.site==douala"));
}

TEST(RenderWorkload, ChangingTheModeReplacesTheServiceSinceSwarmCannotUpdateIt) {
  std::string plan = PlanAfterChange([](crds::ServiceSpec& spec) { spec.mode = crds::ServiceMode::kGlobal; });
  EXPECT_THAT(plan, HasSubstr("web-douala"));
  EXPECT_THAT(plan, HasSubstr("replace"));
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("worker")));
}

TEST(RenderWorkload, VolumesBecomeVolumeAndTmpfsMounts) {
  crds::DesiredState desired = OneSite();
  desired.services[0].spec.volumes = {
      {crds::VolumeMount::Type::kVolume, "web-data", "/data", false, std::nullopt},
      {crds::VolumeMount::Type::kVolume, "certs", "/certs", true, std::nullopt},
      {crds::VolumeMount::Type::kTmpfs, "", "/tmp", false, 64 * 1024 * 1024}};
  RenderedState out = MustRender(desired);
  const auto& mounts = Rendered(out, "web-douala").task_template.container_spec.mounts;
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[0].type, "volume");
  EXPECT_EQ(mounts[0].source, "web-data");
  EXPECT_EQ(mounts[0].target, "/data");
  EXPECT_FALSE(mounts[0].read_only);
  EXPECT_TRUE(mounts[1].read_only);
  EXPECT_EQ(mounts[2].type, "tmpfs");
  EXPECT_EQ(mounts[2].source, "");
  EXPECT_EQ(mounts[2].tmpfs_size_bytes, 64 * 1024 * 1024);
}

TEST(RenderWorkload, AChangedTmpfsSizeIsOneUpdate) {
  auto with_size = [](int64_t size) {
    return [size](crds::ServiceSpec& spec) {
      spec.volumes = {{crds::VolumeMount::Type::kTmpfs, "", "/tmp", false, size}};
    };
  };
  FakeEngine fake;
  crds::DesiredState desired = OneSite();
  with_size(1024)(desired.services[0].spec);
  ASSERT_TRUE(Converge(fake, desired).ok());
  with_size(2048)(desired.services[0].spec);
  EXPECT_EQ(ToString(PlanOf(fake, desired)),
            "update service web-douala\n  mounts./tmp: tmpfs: size=1024 -> tmpfs: size=2048\n");
}

TEST(RenderWorkload, AddedVolumeIsOneUpdateAndThenNothing) {
  EXPECT_EQ(PlanAfterChange([](crds::ServiceSpec& spec) {
              spec.volumes = {{crds::VolumeMount::Type::kVolume, "web-data", "/data", true, std::nullopt}};
            }),
            "update service web-douala\n  mounts./data: (none) -> volume:web-data:ro\n");
}

TEST(RenderWorkload, LoggingBecomesTheTaskTemplatesLogDriver) {
  crds::DesiredState desired = OneSite();
  desired.services[0].spec.logging = crds::Logging{"gelf", {{"gelf-address", "udp://127.0.0.1:12201"}}};
  RenderedState out = MustRender(desired);
  const auto& driver = Rendered(out, "web-douala").task_template.log_driver;
  ASSERT_TRUE(driver.has_value());
  EXPECT_EQ(driver->name, "gelf");
  EXPECT_EQ(driver->options.at("gelf-address"), "udp://127.0.0.1:12201");
  EXPECT_FALSE(Rendered(out, "worker-douala").task_template.log_driver.has_value());
}

TEST(RenderWorkload, AChangedLogOptionIsOneUpdateOfThatField) {
  FakeEngine fake;
  crds::DesiredState desired = OneSite();
  desired.services[0].spec.logging = crds::Logging{"gelf", {{"gelf-address", "udp://127.0.0.1:12201"}}};
  ASSERT_TRUE(Converge(fake, desired).ok());
  desired.services[0].spec.logging->options["tag"] = "web";
  EXPECT_EQ(ToString(PlanOf(fake, desired)),
            "update service web-douala\n  log_driver.options.tag: (none) -> web\n");
  EXPECT_EQ(PlanAfterChange([](crds::ServiceSpec& spec) {
              spec.logging = crds::Logging{"local", {}};
            }),
            "update service web-douala\n  log_driver.name: (none) -> local\n");
}

}  // namespace
}  // namespace swarmop::reconciler
