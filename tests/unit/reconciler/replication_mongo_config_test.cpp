// The replica set config a MongoDB Replication renders, and the connection strings its consumers get.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "replication_fixtures.h"
#include "swarmop/reconciler/replication/mongo.h"

namespace swarmop::reconciler {
namespace {

using testing::Find;
using testing::MongoReplication;
using testing::NonVoter;
using testing::ReferenceEstate;
using testing::Voter;

TEST(MongoReplicaSetConfig, ReferenceSessionsDbRendersOneMemberPerSiteWithItsSwarmServiceName) {
  crds::DesiredState estate = ReferenceEstate();
  auto doc = nlohmann::json::parse(RenderMongoReplicaSetConfig(Find(estate, "sessions-db"), 1));
  EXPECT_EQ(doc["_id"], "rs0");
  EXPECT_EQ(doc["version"], 1);
  ASSERT_EQ(doc["members"].size(), 3u);
  EXPECT_EQ(doc["members"][0]["host"], "sessions-db-cloud:27017");
  EXPECT_EQ(doc["members"][1]["host"], "sessions-db-douala:27017");
  EXPECT_EQ(doc["members"][2]["host"], "sessions-db-yaounde:27017");
  EXPECT_EQ(doc["members"][0]["priority"], 2);
  EXPECT_EQ(doc["members"][1]["priority"], 1);
  EXPECT_EQ(doc["members"][2]["tags"]["site"], "yaounde");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(doc["members"][i]["_id"], i);
    EXPECT_EQ(doc["members"][i]["votes"], 1);
    EXPECT_EQ(doc["members"][i]["hidden"], false);
  }
}

TEST(MongoReplicaSetConfig, HiddenAndNonVotingMembersKeepTheirSettings) {
  crds::Replication r =
      MongoReplication("db", {Voter("cloud"), NonVoter("douala"), {"yaounde", 0, 1, true, {}}});
  MongoReplicaSetConfig config = MongoConfigOf(r, 4);
  EXPECT_EQ(config.version, 4);
  EXPECT_EQ(config.members[1].votes, 0);
  EXPECT_EQ(config.members[1].priority, 0);
  EXPECT_TRUE(config.members[2].hidden);
  EXPECT_EQ(config.members[2].priority, 0);
  EXPECT_EQ(config.Voters(), 2);
}

TEST(MongoReplicaSetConfig, SiteTagIsAddedToTheMembersOwnTagsAndWins) {
  crds::Replication r =
      MongoReplication("db", {{"douala", 1, 1, false, {{"dc", "north"}, {"site", "oops"}}}});
  MongoReplicaSetConfig config = MongoConfigOf(r, 1);
  std::map<std::string, std::string> expected{{"dc", "north"}, {"site", "douala"}};
  EXPECT_EQ(config.members[0].tags, expected);
}

TEST(MongoReplicaSetConfig, JsonRoundTripsThroughTheParser) {
  crds::Replication r = MongoReplication("db", {Voter("cloud", 5), NonVoter("douala"), Voter("yaounde")});
  MongoReplicaSetConfig config = MongoConfigOf(r, 7);
  auto parsed = ParseMongoConfigJson(MongoConfigJson(config));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, config);
}

TEST(MongoReplicaSetConfig, ParserReadsRsConfOutputIgnoringFieldsSwarmopDoesNotOwn) {
  auto parsed = ParseMongoConfigJson(R"({"_id":"rs0","version":3,"term":2,"protocolVersion":1,
      "members":[{"_id":1,"host":"db-b:27017","arbiterOnly":false,"buildIndexes":true,"tags":{"site":"b"}},
                 {"_id":0,"host":"db-a:27017","priority":2,"votes":1,"hidden":false,"tags":{"site":"a"}}],
      "settings":{"chainingAllowed":true}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->version, 3);
  ASSERT_EQ(parsed->members.size(), 2u);
  EXPECT_EQ(parsed->members[0].host, "db-a:27017");  // sorted by _id
  EXPECT_EQ(parsed->members[1].priority, 1);         // MongoDB's defaults for absent fields
  EXPECT_EQ(parsed->members[1].votes, 1);
}

TEST(MongoReplicaSetConfig, ParserRejectsTextThatIsNotAConfig) {
  EXPECT_FALSE(ParseMongoConfigJson("not json").ok());
  EXPECT_FALSE(ParseMongoConfigJson("[]").ok());
  EXPECT_FALSE(ParseMongoConfigJson(R"({"_id":"rs0"})").ok());
}

// The voting rules are crds' job: a spec breaking them never reaches the renderer.
struct RuleCase {
  const char* name;
  const char* members;
  const char* message;
};

class MongoVotingRules : public ::testing::TestWithParam<RuleCase> {};

TEST_P(MongoVotingRules, AreRejectedWhenSpecsLoadWithAClearMessage) {
  std::string yaml = std::string(R"(apiVersion: swarmop.io/v1alpha1
kind: Replication
metadata: {name: db}
spec: {engine: mongodb, image: mongo:7.0, replicaSet: rs0, keyFileSecret: k, members: )") +
                     GetParam().members + "}\n";
  crds::LoadResult loaded = crds::ParseSpecs({{"db.yaml", yaml}});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(crds::FormatDiagnostics(loaded.errors).find(GetParam().message), std::string::npos)
      << crds::FormatDiagnostics(loaded.errors);
  EXPECT_TRUE(loaded.state.replications.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, MongoVotingRules,
    ::testing::Values(
        RuleCase{"EightVoters",
                 "[{site: a}, {site: b}, {site: c}, {site: d}, {site: e}, {site: f}, {site: g}, {site: h}]",
                 "MongoDB allows at most 7"},
        RuleCase{"EvenVoters", "[{site: a}, {site: b}]", "use an odd number"},
        RuleCase{"NonVoterWithPriority", "[{site: a}, {site: b, votes: 0, priority: 1}, {site: c}]",
                 "a non-voting member (votes: 0) must have priority 0"},
        RuleCase{"HiddenWithPriority", "[{site: a}, {site: b, hidden: true}, {site: c}]",
                 "a hidden member must have priority 0"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(MongoConnectionString, ListsEveryMemberPrefersTheConsumersSiteAndWritesByMajority) {
  crds::DesiredState estate = ReferenceEstate();
  EXPECT_EQ(MongoConnectionString(Find(estate, "sessions-db"), "douala"),
            "mongodb://sessions-db-cloud:27017,sessions-db-douala:27017,sessions-db-yaounde:27017/"
            "?replicaSet=rs0&readPreference=nearest&readPreferenceTags=site:douala&readPreferenceTags="
            "&w=majority");
}

TEST(MongoConnectionString, LeavesHiddenMembersOutOfTheSeedList) {
  crds::Replication r =
      MongoReplication("db", {Voter("cloud"), {"backup", 0, 0, true, {}}, Voter("douala"), Voter("yaounde")});
  std::string url = MongoConnectionString(r, "cloud");
  EXPECT_EQ(url.find("db-backup"), std::string::npos) << url;
  EXPECT_NE(url.find("readPreferenceTags=site:cloud&"), std::string::npos) << url;
}

}  // namespace
}  // namespace swarmop::reconciler
