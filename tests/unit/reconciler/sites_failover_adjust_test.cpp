// ApplyFailover: which replicas move where while a site is failed over.
#include <gtest/gtest.h>

#include "sites_fixtures.h"
#include "swarmop/reconciler/sites/failover.h"

namespace swarmop::reconciler {
namespace {

using crds::FailoverPolicy;
using sites_test::MakeService;

int Replicas(const crds::DesiredState& desired, const std::string& service, const std::string& site) {
  return desired.FindService(service)->spec.sites.at(site).replicas;
}

crds::DesiredState Estate() {
  crds::DesiredState desired = testsupport::ThreeStretchedSites();
  desired.services = {MakeService("api", FailoverPolicy::kTakeover, {{"douala", 2}, {"yaounde", 3}}),
                      MakeService("front", FailoverPolicy::kStay, {{"douala", 1}, {"yaounde", 1}}),
                      MakeService("kong", FailoverPolicy::kTakeover, {{"cloud", 1}})};
  return desired;
}

TEST(ApplyFailover, NoActiveFailoverChangesNothing) {
  FailoverAdjustment out = ApplyFailover(Estate(), {});
  EXPECT_TRUE(out.effects.empty());
  EXPECT_EQ(Replicas(out.desired, "api", "yaounde"), 3);
}

TEST(ApplyFailover, TakeoverServiceGetsTheDarkSitesReplicasAtThePartner) {
  FailoverAdjustment out = ApplyFailover(Estate(), {{"douala", "yaounde"}});
  EXPECT_EQ(Replicas(out.desired, "api", "yaounde"), 5);
  ASSERT_EQ(out.effects.size(), 1u);
  EXPECT_EQ(out.effects[0].ToString(), "api: yaounde runs douala's 2 replicas too (3 -> 5)");
}

TEST(ApplyFailover, TheDarkSitesOwnServiceIsLeftInPlace) {
  FailoverAdjustment out = ApplyFailover(Estate(), {{"douala", "yaounde"}});
  EXPECT_EQ(Replicas(out.desired, "api", "douala"), 2);
}

TEST(ApplyFailover, StayServicesAreUnchanged) {
  FailoverAdjustment out = ApplyFailover(Estate(), {{"douala", "yaounde"}});
  EXPECT_EQ(Replicas(out.desired, "front", "yaounde"), 1);
  EXPECT_EQ(Replicas(out.desired, "front", "douala"), 1);
}

TEST(ApplyFailover, ServicesNotAtTheDarkSiteAreUnchanged) {
  FailoverAdjustment out = ApplyFailover(Estate(), {{"douala", "yaounde"}});
  EXPECT_EQ(Replicas(out.desired, "kong", "cloud"), 1);
}

TEST(ApplyFailover, AServiceNotPlacedAtThePartnerIsNotTakenOverAndSaysSo) {
  crds::DesiredState desired = Estate();
  desired.services.push_back(MakeService("worker", FailoverPolicy::kTakeover, {{"douala", 2}}));
  FailoverAdjustment out = ApplyFailover(desired, {{"douala", "yaounde"}});
  EXPECT_EQ(out.desired.FindService("worker")->spec.sites.count("yaounde"), 0u);
  ASSERT_EQ(out.notes.size(), 1u);
  EXPECT_EQ(out.notes[0], "service worker is not placed at yaounde: its douala replicas are not taken over");
}

TEST(ApplyFailover, TwoDarkPartnersDoNotCarryEachOther) {
  FailoverAdjustment out = ApplyFailover(Estate(), {{"douala", "yaounde"}, {"yaounde", "douala"}});
  EXPECT_TRUE(out.effects.empty());
  EXPECT_EQ(Replicas(out.desired, "api", "yaounde"), 3);
  EXPECT_EQ(Replicas(out.desired, "api", "douala"), 2);
  EXPECT_EQ(out.notes.size(), 2u);
}

TEST(ApplyFailover, ZeroReplicasAtTheDarkSiteMoveNothing) {
  crds::DesiredState desired = Estate();
  desired.services[0].spec.sites["douala"].replicas = 0;
  FailoverAdjustment out = ApplyFailover(desired, {{"douala", "yaounde"}});
  EXPECT_TRUE(out.effects.empty());
}

TEST(ApplyFailover, TheInputIsNotModified) {
  crds::DesiredState desired = Estate();
  (void)ApplyFailover(desired, {{"douala", "yaounde"}});
  EXPECT_EQ(Replicas(desired, "api", "yaounde"), 3);
}

}  // namespace
}  // namespace swarmop::reconciler
