#include <gtest/gtest.h>

#include "swarmop/reconciler/store/spec_status.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

const Request kApi{"Service", "api"};

TEST(SpecStatus, ConvergedSpecReadsReadyTrueInLabels) {
  FakeClock clock;
  auto labels = ToStatusLabels(ConvergedStatus(kApi, "abc", "2 services match", clock.WallNow()));
  EXPECT_EQ(labels[status_labels::kReady], "True");
  EXPECT_EQ(labels[status_labels::kProgressing], "False");
  EXPECT_EQ(labels[status_labels::kDegraded], "False");
  EXPECT_EQ(labels[status_labels::kReason], "Converged");
  EXPECT_EQ(labels[status_labels::kMessage], "2 services match");
  EXPECT_EQ(labels[status_labels::kObservedHash], "abc");
  EXPECT_EQ(labels[status_labels::kTime], "2026-01-01T00:00:00Z");
}

TEST(SpecStatus, DegradedSpecHeadlinesItsReasonAndMessage) {
  FakeClock clock;
  SpecStatus status = DegradedStatus(kApi, "abc", "InvalidSpec", "config:api:3:5: bad", clock.WallNow());
  EXPECT_EQ(status.Headline().type, kConditionDegraded);
  auto labels = ToStatusLabels(status);
  EXPECT_EQ(labels[status_labels::kDegraded], "True");
  EXPECT_EQ(labels[status_labels::kReady], "False");
  EXPECT_EQ(labels[status_labels::kReason], "InvalidSpec");
  EXPECT_EQ(labels[status_labels::kMessage], "config:api:3:5: bad");
}

TEST(SpecStatus, LongMultiLineMessagesAreFlattenedAndCut) {
  FakeClock clock;
  std::string message = "line one\nline two " + std::string(500, 'x');
  auto labels = ToStatusLabels(DegradedStatus(kApi, "h", "InvalidSpec", message, clock.WallNow()));
  const std::string& label = labels[status_labels::kMessage];
  EXPECT_EQ(label.size(), kStatusMessageMax);
  EXPECT_EQ(label.find('\n'), std::string::npos);
  EXPECT_EQ(label.substr(label.size() - 3), "...");
}

TEST(SpecStatus, AnUnchangedStatusKeepsItsTransitionTimeSoItsLabelsDoNotChange) {
  FakeClock clock;
  SpecStatus first = ConvergedStatus(kApi, "h", "ok", clock.WallNow());
  clock.Advance(std::chrono::minutes(5));
  SpecStatus again = ConvergedStatus(kApi, "h", "ok", clock.WallNow());
  CarryTransitionTimes(first, again);
  EXPECT_EQ(ToStatusLabels(first), ToStatusLabels(again));
}

TEST(SpecStatus, AChangedConditionGetsANewTransitionTime) {
  FakeClock clock;
  SpecStatus first = ConvergedStatus(kApi, "h", "ok", clock.WallNow());
  clock.Advance(std::chrono::minutes(5));
  SpecStatus next = DegradedStatus(kApi, "h", "ApplyFailed", "boom", clock.WallNow());
  CarryTransitionTimes(first, next);
  EXPECT_EQ(ToStatusLabels(next)[status_labels::kTime], "2026-01-01T00:05:00Z");
}

TEST(SpecStatus, LabelsDifferOnlyOnStatusLabelsAndNeverOnTimeAlone) {
  std::map<std::string, std::string> wanted = {{status_labels::kReady, "True"},
                                               {status_labels::kTime, "2026-01-01T00:00:00Z"}};
  std::map<std::string, std::string> current = {{"io.swarmop.role", "spec"},
                                                {status_labels::kReady, "True"},
                                                {status_labels::kTime, "2025-01-01T00:00:00Z"}};
  EXPECT_FALSE(StatusLabelsDiffer(current, wanted));
  current[status_labels::kReady] = "False";
  EXPECT_TRUE(StatusLabelsDiffer(current, wanted));
  EXPECT_TRUE(StatusLabelsDiffer({{"io.swarmop.role", "spec"}}, wanted)) << "never written yet";
}

}  // namespace
}  // namespace swarmop::reconciler
