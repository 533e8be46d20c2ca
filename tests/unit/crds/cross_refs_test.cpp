// Cross-reference checks over a whole set of specs: table tests whose case names are sentences.
#include <gtest/gtest.h>

#include "swarmop/crds/load.h"
#include "swarmop/crds/naming.h"
#include "test_util.h"

namespace swarmop::crds {
namespace {

using testing::kThreeSites;

struct Case {
  const char* name;
  const char* yaml;      // appended to the three sites
  const char* expected;  // substring of the (single) reported message; "" = no error
};

const Case kCases[] = {
    {"ServiceNamingUnknownSiteIsReported",
     "kind: Service\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: web}\n"
     "spec: {image: nginx, sites: {kribi: {}}}\n",
     "spec.sites.kribi: no Site named \"kribi\" (known: cloud, douala, yaounde)"},
    {"ServiceUsingUnknownReplicationIsReported",
     "kind: Service\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: web}\n"
     "spec: {image: nginx, sites: {cloud: {}}, database: {replication: nope}}\n",
     "spec.database.replication: no Replication named \"nope\" (none is defined)"},
    {"DependsOnAReplicationIsAccepted",
     "kind: Replication\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: db}\n"
     "spec: {engine: postgresql, image: postgres:16, primary: cloud}\n---\n"
     "kind: Service\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: web}\n"
     "spec: {image: nginx, sites: {cloud: {}}, dependsOn: [db]}\n",
     ""},
    {"ServiceDependingOnItselfIsReported",
     "kind: Service\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: web}\n"
     "spec: {image: nginx, sites: {cloud: {}}, dependsOn: [web]}\n",
     "spec.dependsOn[0]: a service cannot depend on itself"},
    {"TwoServiceCycleIsNamed",
     "kind: Service\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: b}\n"
     "spec: {image: nginx, sites: {cloud: {}}, dependsOn: [a]}\n---\n"
     "kind: Service\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: a}\n"
     "spec: {image: nginx, sites: {cloud: {}}, dependsOn: [b]}\n",
     "dependency cycle: a -> b -> a"},
    {"DuplicateSiteNamePointsAtTheSecondAndMentionsTheFirst",
     "kind: Site\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: cloud}\n"
     "spec: {role: cloud, nodeSelector: {site: cloud2}}\n",
     "duplicate Site name (first defined at test.yaml:2:1)"},
    {"SameNameInDifferentKindsIsAllowed",
     "kind: Service\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: cloud}\n"
     "spec: {image: nginx, sites: {cloud: {}}}\n",
     ""},
    {"PostgresReadReplicaAtThePrimarySiteIsReported",
     "kind: Replication\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: db}\n"
     "spec: {engine: postgresql, image: postgres:16, primary: cloud, readReplicas: [cloud]}\n",
     "\"cloud\" is the primary; a site cannot also be its read replica"},
    {"PostgresLogicalSubscriberAtUnknownSiteIsReported",
     "kind: Replication\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: db}\n"
     "spec: {engine: postgresql, image: postgres:16, primary: cloud, logical: {subscriber: clud}}\n",
     "spec.logical.subscriber: no Site named \"clud\""},
    {"MongoMemberAtUnknownSiteIsReported",
     "kind: Replication\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: db}\n"
     "spec: {engine: mongodb, image: mongo:7, replicaSet: rs0, keyFileSecret: k, members: [{site: kribi}]}\n",
     "spec.members[0].site: no Site named \"kribi\""},
    {"MongoFieldsOnPostgresAreReported",
     "kind: Replication\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: db}\n"
     "spec: {engine: postgresql, image: postgres:16, primary: cloud, replicaSet: rs0}\n",
     "spec.replicaSet: only for engine mongodb"},
    {"ThreeVotersAndANonVoterAreAccepted",
     "kind: Replication\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: db}\n"
     "spec: {engine: mongodb, image: mongo:7, replicaSet: rs0, keyFileSecret: k, members: [{site: cloud}, "
     "{site: douala}, {site: yaounde}, {site: cloud, votes: 0, priority: 0, hidden: true}]}\n",
     ""},
    {"SiteWithOwnEngineNeedsNoNodeSelector",
     "kind: Site\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: limbe}\n"
     "spec: {role: edge, engine: {host: 'tcp://10.30.0.10:2376'}}\n",
     ""},
    {"ServiceNameThatFitsWithTheLongestSiteIsAccepted",
     "kind: Service\napiVersion: swarmop.io/v1alpha1\nmetadata: {name: "
     "a234567890123456789012345678901234567890}\n"
     "spec: {image: nginx, sites: {yaounde: {}}}\n",
     ""},
};

class CrossReferences : public ::testing::TestWithParam<Case> {};

TEST_P(CrossReferences, ReportsWhatTheCaseExpects) {
  const Case& c = GetParam();
  LoadResult result = testing::LoadText(std::string(kThreeSites) + c.yaml);
  std::string all = FormatDiagnostics(result.errors);
  if (std::string(c.expected).empty()) {
    EXPECT_EQ(all, "");
    return;
  }
  ASSERT_EQ(result.errors.size(), 1u) << all;
  EXPECT_NE(all.find(c.expected), std::string::npos) << all;
}

INSTANTIATE_TEST_SUITE_P(Table, CrossReferences, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

TEST(CrossReferencesAcrossFiles, AServiceMayNameASiteDefinedInAnotherFile) {
  LoadResult result = LoadSpecs({{"sites.yaml", kThreeSites},
                                 {"config:web",
                                  "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: "
                                  "web}\nspec: {image: nginx, sites: {kribi: {}, douala: {}}}\n"}});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].ToString(),
            "config:web:4:30: Service/web: spec.sites.kribi: no Site named \"kribi\" (known: cloud, douala, "
            "yaounde)");
}

TEST(CrossReferencesAcrossFiles, ParseThenCheckFindsTheSameErrorsAsLoad) {
  std::vector<SourceFile> files = {{"a.yaml", kThreeSites},
                                   {"b.yaml",
                                    "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: "
                                    "web}\nspec: {image: nginx, sites: {kribi: {}}}\n"}};
  LoadResult parsed = ParseSpecs(files);
  EXPECT_TRUE(parsed.ok());
  EXPECT_EQ(FormatDiagnostics(CheckCrossReferences(parsed.state)),
            FormatDiagnostics(LoadSpecs(files).errors));
}

TEST(FieldPositions, EveryNodeKeepsItsLineAndColumnAndAMissingOneAnswersWithItsNearestAncestor) {
  LoadResult parsed = ParseSpecs({{"web.yaml",
                                   "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: web}\n"
                                   "spec:\n  image: nginx\n  sites:\n    douala: {replicas: 2}\n"}});
  ASSERT_EQ(parsed.state.services.size(), 1u);
  const Service& web = parsed.state.services[0];
  ASSERT_NE(web.field_positions, nullptr);
  EXPECT_GE(web.field_positions->size(), 8u);
  auto line_column = [](Position at) { return std::make_pair(at.line, at.column); };
  EXPECT_EQ(line_column(web.PositionOf("/spec/image")), std::make_pair(5, 3));
  EXPECT_EQ(line_column(web.PositionOf("/spec/sites/douala")), std::make_pair(7, 5));
  EXPECT_EQ(line_column(web.PositionOf("/spec/sites/douala/replicas")), std::make_pair(7, 14));
  EXPECT_EQ(line_column(web.PositionOf("/spec/sites/douala/healthcheck")), std::make_pair(7, 5));
  EXPECT_EQ(web.field_positions->Find("/spec/sites/douala/healthcheck"), std::nullopt);
  EXPECT_EQ(FieldPositions().Find(""), std::nullopt);
}

TEST(Naming, SwarmServiceNameIsObjectDashSite) {
  EXPECT_EQ(SwarmServiceName("identity-api", "douala"), "identity-api-douala");
}

TEST(Naming, ObjectNamesAreShortDnsLabels) {
  EXPECT_TRUE(IsValidObjectName("identity-api"));
  EXPECT_FALSE(IsValidObjectName("Identity"));
  EXPECT_FALSE(IsValidObjectName("-api"));
  EXPECT_FALSE(IsValidObjectName(std::string(41, 'a')));
  EXPECT_TRUE(IsValidObjectName(std::string(40, 'a')));
}

}  // namespace
}  // namespace swarmop::crds
