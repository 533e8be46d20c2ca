// Manager placement in a stretched swarm: which site losses keep the Raft quorum.
#include <gtest/gtest.h>

#include "sites_fixtures.h"
#include "swarmop/reconciler/sites/quorum.h"

namespace swarmop::reconciler {
namespace {

using sites_test::MakeNode;

std::vector<engine::Node> Managers(const std::vector<std::string>& sites) {
  std::vector<engine::Node> nodes;
  for (size_t i = 0; i < sites.size(); ++i) {
    nodes.push_back(MakeNode("m" + std::to_string(i), sites[i], "ready", "manager"));
  }
  return nodes;
}

bool Mentions(const ManagerPlacement& p, const std::string& text) {
  for (const auto& w : p.warnings) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(CheckManagerPlacement, OneManagerPerSiteSurvivesTheLossOfAnySite) {
  auto p =
      CheckManagerPlacement(testsupport::ThreeStretchedSites(), Managers({"cloud", "douala", "yaounde"}));
  EXPECT_EQ(p.managers, 3);
  EXPECT_EQ(p.quorum, 2);
  EXPECT_TRUE(p.survives_cloud_loss);
  EXPECT_TRUE(p.sites_whose_loss_breaks_quorum.empty());
  EXPECT_TRUE(p.warnings.empty()) << p.warnings[0];
}

TEST(CheckManagerPlacement, FiveManagersTwoTwoOneSurviveTheLossOfAnySite) {
  auto p = CheckManagerPlacement(testsupport::ThreeStretchedSites(),
                                 Managers({"douala", "douala", "yaounde", "yaounde", "cloud"}));
  EXPECT_EQ(p.quorum, 3);
  EXPECT_TRUE(p.sites_whose_loss_breaks_quorum.empty());
  EXPECT_TRUE(p.warnings.empty());
}

TEST(CheckManagerPlacement, AllManagersInTheCloudCannotSurviveTheLossOfTheCloud) {
  auto p = CheckManagerPlacement(testsupport::ThreeStretchedSites(), Managers({"cloud", "cloud", "cloud"}));
  EXPECT_FALSE(p.survives_cloud_loss);
  EXPECT_EQ(p.sites_whose_loss_breaks_quorum, std::vector<std::string>{"cloud"});
  EXPECT_TRUE(Mentions(p, "cannot survive the loss of the cloud"));
}

TEST(CheckManagerPlacement, ASingleManagerInTheCloudIsWarnedTwice) {
  auto p = CheckManagerPlacement(testsupport::ThreeStretchedSites(), Managers({"cloud"}));
  EXPECT_FALSE(p.survives_cloud_loss);
  EXPECT_TRUE(Mentions(p, "a single manager"));
}

TEST(CheckManagerPlacement, TwoOfThreeManagersAtOneSiteMakeThatSiteFatal) {
  auto p =
      CheckManagerPlacement(testsupport::ThreeStretchedSites(), Managers({"douala", "douala", "yaounde"}));
  EXPECT_TRUE(p.survives_cloud_loss);
  EXPECT_EQ(p.sites_whose_loss_breaks_quorum, std::vector<std::string>{"douala"});
  EXPECT_TRUE(Mentions(p, "losing site douala (2 managers of 3) loses the Raft quorum of 2"));
}

TEST(CheckManagerPlacement, AnEvenNumberOfManagersIsWarned) {
  auto p = CheckManagerPlacement(testsupport::ThreeStretchedSites(),
                                 Managers({"douala", "yaounde", "cloud", "cloud"}));
  EXPECT_TRUE(Mentions(p, "an even number of managers (4)"));
}

TEST(CheckManagerPlacement, WorkersDoNotCount) {
  auto nodes = Managers({"cloud", "douala", "yaounde"});
  nodes.push_back(MakeNode("w1", "douala", "ready", "worker"));
  EXPECT_EQ(CheckManagerPlacement(testsupport::ThreeStretchedSites(), nodes).managers, 3);
}

TEST(CheckManagerPlacement, AManagerOfNoSiteIsWarned) {
  auto p = CheckManagerPlacement(testsupport::ThreeStretchedSites(), Managers({"cloud", "douala", "lab"}));
  EXPECT_EQ(p.managers_outside_sites, 1);
  EXPECT_TRUE(Mentions(p, "1 manager belongs to no site"));
}

TEST(CheckManagerPlacement, ASitesExpectedManagerCountIsChecked) {
  crds::DesiredState desired = testsupport::ThreeStretchedSites();
  desired.sites[1].spec.managers = 2;
  auto p = CheckManagerPlacement(desired, Managers({"cloud", "douala", "yaounde"}));
  EXPECT_TRUE(Mentions(p, "site douala expects 2 managers but has 1"));
}

TEST(CheckManagerPlacement, SeparateSwarmSitesAreNotCounted) {
  crds::DesiredState desired = testsupport::ThreeStretchedSites();
  desired.sites[0].spec.node_selector.clear();
  desired.sites[0].spec.engine = crds::EngineEndpoint{"tcp://10.0.0.1:2376", std::nullopt};
  auto p = CheckManagerPlacement(desired, Managers({"douala", "yaounde", "yaounde"}));
  EXPECT_EQ(p.managers_by_site.count("cloud"), 0u);
  EXPECT_TRUE(p.survives_cloud_loss);
}

}  // namespace
}  // namespace swarmop::reconciler
