// StatusReporter: a status's labels are written once, on the config that holds the spec; a steady key
// publishing the same status again costs no engine call; a new winning config gets the labels anew.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "fake_engine.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/controller/status_reporter.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler {
namespace {

const Request kApi{"Service", "api"};

class StatusReporterTest : public ::testing::Test {
 protected:
  StatusTarget CreateSpecConfig(const std::string& name) {
    engine::ConfigSpec spec;
    spec.name = name;
    spec.data = "kind: Service\n";
    auto id = fake_.CreateConfig(spec);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return StatusTarget{id.ok() ? *id : "", name, {}, true};
  }
  // The labels of the config named `config_name` as the engine holds them; nullopt if there is none.
  std::optional<std::map<std::string, std::string>> Labels(const std::string& config_name) {
    auto configs = fake_.ListConfigs({});  // held: a range-for over *ListConfigs() would dangle
    for (const engine::Config& c : *configs) {
      if (c.spec.name == config_name) return c.spec.labels;
    }
    return std::nullopt;
  }
  std::string Reason(const std::string& config_name) {
    auto labels = Labels(config_name);
    if (!labels) return "no config";
    auto it = labels->find(status_labels::kReason);
    return it == labels->end() ? "" : it->second;
  }
  SpecStatus Converged() { return ConvergedStatus(kApi, "hash-1", "1 service(s) match the spec", now_); }

  swarmop::testing::FakeEngine fake_;
  engine::CountingEngine counting_{&fake_};
  SpecStore store_{counting_};
  OwnWrites own_writes_;
  StatusReporter reporter_{store_, counting_, own_writes_};
  Clock::WallTime now_ = Clock::WallTime{} + std::chrono::hours(24 * 365 * 56);
};

TEST_F(StatusReporterTest, ASteadyKeyPublishingTheSameStatusAgainMakesNoEngineCall) {
  StatusTarget first = CreateSpecConfig("swarmop-service-api-1");
  ASSERT_TRUE(reporter_.Publish(Converged(), first).ok());
  EXPECT_EQ(Reason("swarmop-service-api-1"), "Converged");
  EXPECT_EQ(reporter_.LabelWrites(), 1u);
  counting_.Reset();
  now_ += std::chrono::seconds(30);  // a resync later: the same conditions, a later clock
  for (int pass = 0; pass < 3; ++pass) ASSERT_TRUE(reporter_.Publish(Converged(), first).ok());
  EXPECT_EQ(counting_.Reads() + counting_.Writes(), 0u);
  EXPECT_EQ(reporter_.LabelWrites(), 1u);
}

TEST_F(StatusReporterTest, AChangedStatusOrANewWinningConfigIsWrittenAgain) {
  StatusTarget first = CreateSpecConfig("swarmop-service-api-1");
  ASSERT_TRUE(reporter_.Publish(Converged(), first).ok());
  ASSERT_TRUE(reporter_.Publish(DegradedStatus(kApi, "hash-1", "ApplyFailed", "no", now_), first).ok());
  EXPECT_EQ(Reason("swarmop-service-api-1"), "ApplyFailed");
  StatusTarget second = CreateSpecConfig("swarmop-service-api-2");  // the spec changed: a new config holds it
  ASSERT_TRUE(reporter_.Publish(DegradedStatus(kApi, "hash-1", "ApplyFailed", "no", now_), second).ok());
  EXPECT_EQ(Reason("swarmop-service-api-2"), "ApplyFailed");
  EXPECT_EQ(reporter_.LabelWrites(), 3u);
}

// The caller's labels come from a load of the specs that may predate our own writes since: a status that
// goes Converged -> Degraded -> Converged inside one load must not leave Degraded on the config.
TEST_F(StatusReporterTest, AStatusThatComesBackWithinOneLoadIsWrittenBackDespiteStaleReadLabels) {
  StatusTarget target = CreateSpecConfig("swarmop-service-api-1");
  ASSERT_TRUE(reporter_.Publish(Converged(), target).ok());
  auto loaded = Labels("swarmop-service-api-1");  // the load that follows: Converged
  ASSERT_TRUE(loaded.has_value());
  target.current_labels = *loaded;
  ASSERT_EQ(target.current_labels.at(status_labels::kReason), "Converged");
  ASSERT_TRUE(reporter_.Publish(DegradedStatus(kApi, "hash-1", "ApplyFailed", "no", now_), target).ok());
  ASSERT_EQ(Reason("swarmop-service-api-1"), "ApplyFailed");
  ASSERT_TRUE(reporter_.Publish(Converged(), target).ok());  // same load: it still reads Converged
  EXPECT_EQ(Reason("swarmop-service-api-1"), "Converged");
  EXPECT_EQ(reporter_.LabelWrites(), 3u);
}

TEST_F(StatusReporterTest, AForgottenKeyPublishesAfreshAndTheInMemoryStatusFollowsEveryPublish) {
  StatusTarget first = CreateSpecConfig("swarmop-service-api-1");
  ASSERT_TRUE(reporter_.Publish(Converged(), first).ok());
  reporter_.Forget(kApi);
  EXPECT_FALSE(reporter_.Get(kApi).has_value());
  ASSERT_TRUE(reporter_.Publish(Converged(), first).ok());
  ASSERT_TRUE(reporter_.Get(kApi).has_value());
  EXPECT_EQ(reporter_.Get(kApi)->Headline().reason, "Converged");
}

}  // namespace
}  // namespace swarmop::reconciler
