// The one-shot commands' convergence across separate-swarm sites (sites/estate_converge.h), with one
// FakeEngine per swarm: each site planned and applied on its own engine, the missing-references rule, and a
// dark site reported without holding the others back. The lines asserted are those `swarmop` prints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "estate_fixtures.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/controller/default_render.h"
#include "swarmop/reconciler/sites/estate_converge.h"

namespace swarmop::reconciler {
namespace {

using swarmop::testing::FakeEngine;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace swarmop::reconciler::testing;

// The lines an EstateOutput received, by stream.
struct Captured {
  std::string report, progress, error;
  EstateOutput Output() {
    return {[this](const std::string& t) { report += t; }, [this](const std::string& t) { progress += t; },
            [this](const std::string& t) { error += t; }};
  }
};

// The separate swarms of Estate(), reached at "tcp://<host>:2376", each one FakeEngine; a dark one refuses
// connections.
class Swarms {
 public:
  Swarms() {
    fakes_.try_emplace("10.0.0.2");
    fakes_.try_emplace("10.0.0.3");
  }
  FakeEngine& At(const std::string& host) { return fakes_.at(host); }
  void Darken(const std::string& host) { dark_.insert(host); }
  EstateOptions Options() {
    EstateOptions options;
    options.render = DefaultRenderOptions();
    options.connect = [this](const engine::Endpoint& ep) -> StatusOr<std::unique_ptr<engine::Engine>> {
      auto it = fakes_.find(ep.host);
      if (it == fakes_.end() || dark_.count(ep.host))
        return UnavailableError("connect " + ep.ToString() + ": no route to host");
      return std::unique_ptr<engine::Engine>(new engine::CountingEngine(&it->second));
    };
    return options;
  }

 private:
  std::map<std::string, FakeEngine> fakes_;
  std::set<std::string> dark_;
};

crds::Site SiteAt(const std::string& name, const std::string& host) {
  crds::Site site = SeparateSite(name);
  site.spec.engine->host = "tcp://" + host + ":2376";
  return site;
}

// douala is a site of the local swarm; yaounde and bafoussam are their own swarms.
crds::DesiredState Estate() {
  crds::DesiredState desired;
  desired.sites = {Site("douala"), SiteAt("yaounde", "10.0.0.2"), SiteAt("bafoussam", "10.0.0.3")};
  desired.services = {Service("api", {{"douala", 1}, {"yaounde", 1}, {"bafoussam", 1}})};
  return desired;
}

bool Created(const FakeEngine& fake, const std::string& service) {
  return ::testing::Value(fake.WriteLog(), Contains("create service " + service));
}

TEST(ConvergeEstate, EachSeparateSiteIsPlannedAndAppliedOnItsOwnEngine) {
  FakeEngine local;
  Swarms swarms;
  Captured out;
  auto verdict = ConvergeEstate(local, Estate(), swarms.Options(), out.Output());
  ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
  EXPECT_EQ(*verdict, ConvergeVerdict::kConverged) << out.error;
  EXPECT_TRUE(Created(local, "api-douala"));
  EXPECT_FALSE(Created(local, "api-yaounde")) << "a separate site's service is never created locally";
  EXPECT_TRUE(Created(swarms.At("10.0.0.2"), "api-yaounde"));
  EXPECT_FALSE(Created(swarms.At("10.0.0.2"), "api-bafoussam"));
  EXPECT_TRUE(Created(swarms.At("10.0.0.3"), "api-bafoussam"));
  EXPECT_THAT(out.report, HasSubstr("site yaounde (tcp://10.0.0.2:2376):\n"));
  EXPECT_THAT(out.report, HasSubstr("write(s) to site bafoussam\n"));
  EXPECT_THAT(out.progress, HasSubstr("  done: create service api-yaounde"));
  EXPECT_EQ(out.error, "");
}

TEST(ConvergeEstate, ASecondRunWritesNothingAnywhere) {
  FakeEngine local;
  Swarms swarms;
  Captured first, second;
  ASSERT_TRUE(ConvergeEstate(local, Estate(), swarms.Options(), first.Output()).ok());
  local.ClearWriteLog();
  swarms.At("10.0.0.2").ClearWriteLog();
  auto verdict = ConvergeEstate(local, Estate(), swarms.Options(), second.Output());
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(*verdict, ConvergeVerdict::kConverged);
  EXPECT_THAT(local.WriteLog(), IsEmpty());
  EXPECT_THAT(swarms.At("10.0.0.2").WriteLog(), IsEmpty());
  EXPECT_THAT(second.report, HasSubstr("swarm already matches the specs: nothing to change\n"));
  EXPECT_THAT(second.report, HasSubstr("  already matches the specs: nothing to change\n"));
}

TEST(ConvergeEstate, AMissingSecretIsReportedAndNothingIsWrittenToThatSwarm) {
  FakeEngine local;
  Swarms swarms;
  crds::DesiredState desired = Estate();
  desired.services[0].spec.secrets = {{"api-key", ""}};
  local.AddSecret("api-key");
  swarms.At("10.0.0.3").AddSecret("api-key");  // yaounde lacks it
  Captured out;
  auto verdict = ConvergeEstate(local, desired, swarms.Options(), out.Output());
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(*verdict, ConvergeVerdict::kFailed);
  EXPECT_THAT(out.error, HasSubstr("swarmop: error: site yaounde: secret api-key does not exist"));
  EXPECT_THAT(out.error, HasSubstr("swarmop: site yaounde: nothing changed\n"));
  EXPECT_EQ(swarms.At("10.0.0.2").Writes(), 0u);
  EXPECT_TRUE(Created(swarms.At("10.0.0.3"), "api-bafoussam")) << "the other sites go on";
  EXPECT_TRUE(Created(local, "api-douala"));
}

TEST(ConvergeEstate, ALocalMissingSecretWritesNothingLocally) {
  FakeEngine local;
  Swarms swarms;
  crds::DesiredState desired = Estate();
  desired.services[0].spec.secrets = {{"api-key", ""}};
  Captured out;
  auto verdict = ConvergeEstate(local, desired, swarms.Options(), out.Output());
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(*verdict, ConvergeVerdict::kFailed);
  EXPECT_EQ(local.Writes(), 0u);
  EXPECT_THAT(out.error, HasSubstr("swarmop: error: secret api-key does not exist"));
  EXPECT_THAT(out.error, HasSubstr("swarmop: nothing changed on the swarm\n"));
  EXPECT_EQ(swarms.At("10.0.0.2").Writes() + swarms.At("10.0.0.3").Writes(), 0u)
      << "each site's own swarm lacks the secret too";
}

TEST(ReportMissingReferences, CountsWhatEverySwarmLacksAndWritesNothing) {
  FakeEngine local;
  Swarms swarms;
  crds::DesiredState desired = Estate();
  desired.services[0].spec.secrets = {{"api-key", ""}};
  swarms.At("10.0.0.2").AddSecret("api-key");
  Captured out;
  auto missing = ReportMissingReferences(local, desired, swarms.Options(), out.Output());
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_EQ(*missing, 2) << out.error;  // the local swarm and bafoussam
  EXPECT_THAT(out.error, HasSubstr("site bafoussam: secret api-key"));
  EXPECT_EQ(local.Writes() + swarms.At("10.0.0.2").Writes() + swarms.At("10.0.0.3").Writes(), 0u);
}

TEST(ConvergeSites, AnUnreachableSiteIsReportedWithoutTouchingTheOthers) {
  FakeEngine local;
  Swarms swarms;
  swarms.Darken("10.0.0.2");  // yaounde
  Captured out;
  EXPECT_EQ(ConvergeSites(Estate(), swarms.Options(), out.Output()), ConvergeVerdict::kFailed);
  EXPECT_THAT(out.error, HasSubstr("swarmop: error: site yaounde (tcp://10.0.0.2:2376) cannot be reached: "));
  EXPECT_THAT(out.error, HasSubstr("; the other sites go on\n"));
  EXPECT_TRUE(Created(swarms.At("10.0.0.3"), "api-bafoussam"));
  EXPECT_EQ(local.Writes(), 0u) << "ConvergeSites leaves the local swarm to ConvergeEstate";
}

TEST(ReportSitePlans, ChangesAreShownPerSiteAndNothingIsWritten) {
  Swarms swarms;
  Captured out;
  EXPECT_EQ(ReportSitePlans(Estate(), swarms.Options(), out.Output()), SitesPlanVerdict::kChanges);
  EXPECT_THAT(out.report, HasSubstr("site yaounde (tcp://10.0.0.2:2376):\n"));
  EXPECT_THAT(out.report, HasSubstr("api-yaounde"));
  EXPECT_EQ(swarms.At("10.0.0.2").Writes() + swarms.At("10.0.0.3").Writes(), 0u);
}

TEST(ReportSitePlans, ADarkSiteOutranksChanges) {
  Swarms swarms;
  swarms.Darken("10.0.0.2");  // yaounde
  Captured out;
  EXPECT_EQ(ReportSitePlans(Estate(), swarms.Options(), out.Output()), SitesPlanVerdict::kUnreachable);
  std::vector<SitePlanJson> json = SitePlansAsJson(Estate(), swarms.Options(), out.Output());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0].site, "yaounde");
  EXPECT_THAT(json[0].error, HasSubstr("no route to host"));
  EXPECT_TRUE(json[0].plan_json.empty());
  EXPECT_EQ(json[1].site, "bafoussam");
  EXPECT_TRUE(json[1].changes);
  EXPECT_THAT(json[1].plan_json, HasSubstr("api-bafoussam"));
}

TEST(ReportEstatePlan, AConvergedEstateHasNoChanges) {
  FakeEngine local;
  Swarms swarms;
  Captured applied, shown;
  ASSERT_TRUE(ConvergeEstate(local, Estate(), swarms.Options(), applied.Output()).ok());
  auto changes = ReportEstatePlan(local, Estate(), swarms.Options(), shown.Output());
  ASSERT_TRUE(changes.ok());
  EXPECT_FALSE(*changes) << shown.report;
  EXPECT_THAT(shown.report, HasSubstr("site bafoussam (tcp://10.0.0.3:2376):\n  no change\n"));
}

TEST(PlanLocalSwarm, AnEngineErrorComesBackAsAValue) {
  FakeEngine local;
  local.FailNext("list services", 1, UnavailableError("engine down"));
  Swarms swarms;
  Captured out;
  auto verdict = ConvergeEstate(local, Estate(), swarms.Options(), out.Output());
  EXPECT_FALSE(verdict.ok());
  EXPECT_EQ(local.Writes(), 0u);
}

}  // namespace
}  // namespace swarmop::reconciler
