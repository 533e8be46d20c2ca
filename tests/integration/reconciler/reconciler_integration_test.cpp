// The reconciler core against a real swarm (tests/testbed/). Reads SWARMOP_TEST_DOCKER_HOST and FAILS when it
// is unset or unreachable. Each test uses its own site names (so its own networks and service names), labels
// the node site=<test bed label> once, and removes what it made.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "bed_env.h"
#include "swarm_objects.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/core/core.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::reconciler {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr const char* kImage = "local/busybox:1";
constexpr const char* kNodeLabel = "swarmop-it";  // node label every test site selects

crds::Site Site(const std::string& name) {
  crds::Site site;
  site.metadata.name = name;
  site.hash = "h-" + name;
  site.spec.node_selector = {{kNodeLabel, "yes"}};
  site.spec.network.encrypted = true;
  return site;
}

crds::Service Service(const std::string& name, const std::string& site, int replicas) {
  crds::Service service;
  service.metadata.name = name;
  service.hash = "h-" + name;
  service.spec.image = kImage;
  // sleep as PID 1 ignores SIGTERM (a 10 s stop each); this exits at once, so networks are released fast.
  service.spec.command = {"sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"};
  service.spec.sites[site].replicas = replicas;
  service.spec.restart.delay = std::chrono::seconds(1);
  return service;
}

// A service using most of what render sets, so the no-flap check covers the engine's representation.
crds::Service RichService(const std::string& name, const std::string& site) {
  crds::Service service = Service(name, site, 2);
  service.spec.command = {"httpd", "-f", "-p", "8080"};
  service.spec.env = {{"B", "2"}, {"A", "1"}};
  service.spec.labels = {{"team", "core"}};
  service.spec.resources.limits.memory_bytes = 64 * 1024 * 1024;
  service.spec.resources.reservations.nano_cpus = 10'000'000;
  service.spec.placement.spread_preferences = {"node.labels.zone"};
  service.spec.placement.max_replicas_per_node = 4;
  service.spec.update.parallelism = 2;
  service.spec.update.delay = std::chrono::seconds(1);
  service.spec.update.order = crds::UpdateOrder::kStartFirst;
  service.spec.update.failure_action = crds::FailureAction::kRollback;
  service.spec.rollback.parallelism = 1;
  crds::HealthCheck check;
  check.command = {"true"};
  check.interval = std::chrono::seconds(5);
  check.timeout = std::chrono::seconds(2);
  check.retries = 3;
  service.spec.healthcheck = check;
  service.spec.ports = {{18080, 8080, crds::Protocol::kTcp, crds::PublishMode::kIngress}};
  service.spec.configs = {{"index", "/www/index.html", std::string("<h1>hello</h1>\n"), std::nullopt}};
  return service;
}

class ReconcilerIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connected = testsupport::ConnectTestBed();
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    engine_ = std::move(connected).value();
    LabelTheNode();
  }

  void TearDown() override {
    if (!engine_) return;
    for (const auto& name : unowned_) (void)engine_->RemoveService(name);
    // Applying an estate without services prunes what the test made; only its own sites' networks remain.
    crds::DesiredState empty;
    empty.sites = sites_;
    ApplyReport report = ApplyPlan(*engine_, PlanFor(empty).plan);
    EXPECT_TRUE(report.ok()) << report.ToString();
    // The estate network is shared by every test (and would be pruned by the next test's plan otherwise).
    for (const auto& site : sites_) RemoveNetworkEventually(SiteNetworkName(site.name()));
  }

  // UpdateNode merges nothing: send the whole spec with our label added.
  void LabelTheNode() {
    Status labelled = testsupport::LabelFirstNode(*engine_, kNodeLabel, "yes");
    ASSERT_TRUE(labelled.ok()) << labelled.ToString();
  }

  // tests/support/swarm_objects.h: removed, and no longer listed (60 s at most).
  void RemoveNetworkEventually(const std::string& name) {
    Status removed = testsupport::RemoveNetworkEventually(*engine_, name);
    EXPECT_TRUE(removed.ok()) << removed.ToString();
  }

  crds::DesiredState Estate(const std::string& site_name) {
    crds::DesiredState desired;
    desired.sites = {Site(site_name)};
    sites_ = desired.sites;
    return desired;
  }

  PlanResult PlanFor(const crds::DesiredState& desired, engine::Engine* engine = nullptr) {
    auto result = PlanEstate(engine ? *engine : *engine_, desired);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? std::move(*result) : PlanResult{};
  }

  ApplyReport Apply(const crds::DesiredState& desired, engine::Engine* engine = nullptr) {
    PlanResult planned = PlanFor(desired, engine);
    return ApplyPlan(engine ? *engine : *engine_, planned.plan);
  }

  ConvergenceResult Wait(const crds::DesiredState& desired,
                         std::chrono::seconds timeout = std::chrono::seconds(90)) {
    ConvergenceOptions options;
    options.timeout = timeout;
    options.pending_grace = std::chrono::seconds(2);
    return WaitForConvergence(*engine_, Render(desired)->services, options);
  }

  std::unique_ptr<engine::Engine> engine_;
  std::vector<crds::Site> sites_;
  std::vector<std::string> unowned_;  // services the test made behind swarmop's back
};

TEST_F(ReconcilerIntegration, FreshApplyConvergesAndTheSecondPlanIsEmptyWithZeroWrites) {
  crds::DesiredState desired = Estate("itfresh");
  desired.services = {RichService("web", "itfresh"), Service("worker", "itfresh", 1)};
  auto t0 = Clock::now();
  ApplyReport first = Apply(desired);
  auto t1 = Clock::now();
  ASSERT_TRUE(first.ok()) << first.ToString();
  ConvergenceResult converged = Wait(desired);
  auto t2 = Clock::now();
  ASSERT_TRUE(converged.status.ok()) << converged.status.ToString() << "\n" << converged.Table();
  std::cout << "apply " << std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0).count()
            << " ms, converged after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(t2 - t1).count() << " ms\n"
            << converged.Table();

  // The engine's representation (defaults, IDs for networks/configs, ...) must not flap.
  EXPECT_EQ(ToString(PlanFor(desired).plan), "");
  engine::CountingEngine counting(engine_.get());
  ApplyReport second = Apply(desired, &counting);
  EXPECT_TRUE(second.ok()) << second.ToString();
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
}

TEST_F(ReconcilerIntegration, OneChangedFieldAmongTwentyServicesMakesExactlyOneUpdate) {
  crds::DesiredState desired = Estate("ittwenty");
  for (int i = 0; i < 20; ++i) desired.services.push_back(Service("s" + std::to_string(i), "ittwenty", 1));
  auto t0 = Clock::now();
  ApplyReport first = Apply(desired);
  auto t1 = Clock::now();
  ASSERT_TRUE(first.ok()) << first.ToString();
  std::cout << "created 20 services in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0).count() << " ms\n";
  desired.services[7].spec.env["CHANGED"] = "yes";
  engine::CountingEngine counting(engine_.get());
  auto t2 = Clock::now();
  PlanResult planned = PlanFor(desired, &counting);
  auto t3 = Clock::now();
  EXPECT_EQ(ToString(planned.plan), "update service s7-ittwenty\n  env.CHANGED: (none) -> yes\n");
  ApplyReport second = ApplyPlan(counting, planned.plan);
  EXPECT_TRUE(second.ok()) << second.ToString();
  // Swarm may bump a freshly created service's version on its own; the first update then meets "update out of
  // sequence", changes nothing and is retried with the version read again. Only accepted writes count.
  EXPECT_THAT(counting.WriteLog(), ElementsAre(HasSubstr("update service s7-ittwenty")))
      << ::testing::PrintToString(counting.AttemptLog());
  for (const std::string& attempt : counting.AttemptLog()) EXPECT_THAT(attempt, HasSubstr("s7-ittwenty"));
  std::cout << "plan over 20 services: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(t3 - t2).count() << " ms, "
            << counting.Reads() << " reads in plan+apply\n";
}

TEST_F(ReconcilerIntegration, RemovingASpecPrunesItsServicesAndLeavesUnownedOnesAlone) {
  crds::DesiredState desired = Estate("itprune");
  desired.services = {Service("old", "itprune", 1), Service("keep", "itprune", 1),
                      Service("taken", "itprune", 1)};
  // Unowned services: one with a look-alike name, one with exactly the name a spec wants.
  engine::ServiceSpec lookalike;
  lookalike.name = "old-itprune-copy";
  lookalike.task_template.container_spec.image = kImage;
  lookalike.task_template.container_spec.command = {"sleep", "3600"};
  engine::ServiceSpec taken = lookalike;
  taken.name = "taken-itprune";
  taken.labels = {{"io.swarmop.owner-name", "taken"}};  // ownership-looking labels, but no managed-by
  unowned_ = {lookalike.name, taken.name};
  ASSERT_TRUE(engine_->CreateService(lookalike).ok());
  ASSERT_TRUE(engine_->CreateService(taken).ok());

  ApplyReport first = Apply(desired);
  ASSERT_TRUE(first.ok()) << first.ToString();
  desired.services.erase(desired.services.begin());  // drop "old"
  PlanResult planned = PlanFor(desired);
  EXPECT_EQ(ToString(planned.plan),
            "remove service old-itprune (no spec wants it)\n"
            "# left alone: service taken-itprune: exists and is not swarmop's: left alone\n");
  ApplyReport second = ApplyPlan(*engine_, planned.plan);
  EXPECT_TRUE(second.ok()) << second.ToString();
  EXPECT_EQ(engine_->InspectService("old-itprune").status().code(), Code::kNotFound);
  EXPECT_TRUE(engine_->InspectService("keep-itprune").ok());
  auto kept_lookalike = engine_->InspectService("old-itprune-copy");
  auto kept_taken = engine_->InspectService("taken-itprune");
  ASSERT_TRUE(kept_lookalike.ok());
  ASSERT_TRUE(kept_taken.ok());
  EXPECT_EQ(kept_taken->spec.mode.replicas, 1u);
  EXPECT_FALSE(labels::IsOwned(kept_taken->spec.labels));
}

TEST_F(ReconcilerIntegration, ChangingAConfigsContentRotatesItAndRemovesTheOld) {
  crds::DesiredState desired = Estate("itconf");
  desired.services = {Service("web", "itconf", 1)};
  desired.services[0].spec.configs = {{"motd", "/etc/motd", std::string("v1\n"), std::nullopt}};
  ASSERT_TRUE(Apply(desired).ok());
  desired.services[0].spec.configs[0].content = "v2\n";
  ApplyReport report = Apply(desired);
  ASSERT_TRUE(report.ok()) << report.ToString();
  auto configs = engine_->ListConfigs(engine::ListFilter::Labels({{labels::kOwnerName, "web"}}));
  ASSERT_TRUE(configs.ok());
  std::vector<std::string> names;
  for (const auto& c : *configs) names.push_back(c.spec.name);
  EXPECT_THAT(names, ElementsAre(ContentConfigName("web", "motd", "v2\n")));
  auto web = engine_->InspectService("web-itconf");
  ASSERT_TRUE(web.ok());
  ASSERT_EQ(web->spec.task_template.container_spec.configs.size(), 1u);
  EXPECT_EQ(web->spec.task_template.container_spec.configs[0].config_name, names[0]);
  ConvergenceResult converged = Wait(desired);
  EXPECT_TRUE(converged.status.ok()) << converged.status.ToString() << "\n" << converged.Table();
  EXPECT_EQ(ToString(PlanFor(desired).plan), "");
}

TEST_F(ReconcilerIntegration, UnplaceableServiceFailsTheWatchNamingItsConstraints) {
  crds::DesiredState desired = Estate("itnowhere");
  desired.sites[0].spec.node_selector = {{kNodeLabel, "no-such-node"}};
  sites_ = desired.sites;
  desired.services = {Service("lost", "itnowhere", 1)};
  ASSERT_TRUE(Apply(desired).ok());
  ConvergenceResult result = Wait(desired, std::chrono::seconds(30));
  EXPECT_EQ(result.status.code(), Code::kFailedPrecondition) << result.status.ToString();
  EXPECT_THAT(result.status.message(), HasSubstr("cannot be placed: no suitable node"));
  EXPECT_THAT(result.status.message(), HasSubstr("node.labels.swarmop-it==no-such-node"));
}

TEST_F(ReconcilerIntegration, TaskThatKeepsFailingFailsTheWatchWithItsError) {
  crds::DesiredState desired = Estate("itfail");
  desired.services = {Service("crash", "itfail", 1)};
  desired.services[0].spec.command = {"sh", "-c", "exit 3"};
  ASSERT_TRUE(Apply(desired).ok());
  ConvergenceResult result = Wait(desired, std::chrono::seconds(60));
  EXPECT_EQ(result.status.code(), Code::kFailedPrecondition) << result.status.ToString();
  EXPECT_THAT(result.status.message(), HasSubstr("crash-itfail: 3 tasks failed"));
  EXPECT_THAT(result.status.message(), HasSubstr("non-zero exit (3)"));
}

// The Service fields of issue 11 as the engine stores them (Global mode, Mounts with TmpfsOptions, LogDriver,
// EndpointSpec.Mode dnsrr): they converge, plan nothing the second time, and one changed log option is one
// update.
TEST_F(ReconcilerIntegration, WorkloadFieldsConvergeWithoutFlappingAndAChangedLogOptionIsOneUpdate) {
  crds::DesiredState desired = Estate("itwork");
  crds::Service agent = Service("agent", "itwork", 1);
  agent.spec.mode = crds::ServiceMode::kGlobal;
  agent.spec.volumes = {
      {crds::VolumeMount::Type::kVolume, "itwork-agent-data", "/data", false, std::nullopt},
      {crds::VolumeMount::Type::kVolume, "itwork-agent-certs", "/certs", true, std::nullopt},
      {crds::VolumeMount::Type::kTmpfs, "", "/scratch", false, 16 * 1024 * 1024}};
  agent.spec.logging = crds::Logging{"json-file", {{"max-size", "1m"}, {"max-file", "2"}}};
  crds::Service web = Service("web", "itwork", 1);
  web.spec.command = {"httpd", "-f", "-p", "8080"};
  web.spec.endpoint_mode = crds::EndpointMode::kDnsrr;
  web.spec.ports = {{18081, 8080, crds::Protocol::kTcp, crds::PublishMode::kHost}};
  desired.services = {agent, web};
  ApplyReport first = Apply(desired);
  ASSERT_TRUE(first.ok()) << first.ToString();
  ConvergenceResult converged = Wait(desired);
  ASSERT_TRUE(converged.status.ok()) << converged.status.ToString() << "\n" << converged.Table();

  auto stored = engine_->InspectService("agent-itwork");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->spec.mode.kind, engine::ServiceMode::Kind::kGlobal);
  ASSERT_EQ(stored->spec.task_template.container_spec.mounts.size(), 3u);
  EXPECT_EQ(stored->spec.task_template.container_spec.mounts[2].tmpfs_size_bytes, 16 * 1024 * 1024);
  ASSERT_TRUE(stored->spec.task_template.log_driver.has_value());
  EXPECT_EQ(stored->spec.task_template.log_driver->options.at("max-size"), "1m");
  auto dnsrr = engine_->InspectService("web-itwork");
  ASSERT_TRUE(dnsrr.ok());
  EXPECT_EQ(dnsrr->spec.endpoint_spec->mode, "dnsrr");

  EXPECT_EQ(ToString(PlanFor(desired).plan), "");
  engine::CountingEngine counting(engine_.get());
  ApplyReport second = Apply(desired, &counting);
  EXPECT_TRUE(second.ok()) << second.ToString();
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());

  desired.services[0].spec.logging->options["max-size"] = "2m";
  PlanResult changed = PlanFor(desired);
  EXPECT_EQ(ToString(changed.plan), "update service agent-itwork\n  log_driver.options.max-size: 1m -> 2m\n");
  engine::CountingEngine third(engine_.get());
  EXPECT_TRUE(ApplyPlan(third, changed.plan).ok());
  EXPECT_THAT(third.WriteLog(), ElementsAre(HasSubstr("update service agent-itwork")));
  EXPECT_EQ(ToString(PlanFor(desired).plan), "");
}

}  // namespace
}  // namespace swarmop::reconciler
