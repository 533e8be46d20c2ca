#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "swarmop/reconciler/metrics.h"

namespace swarmop::reconciler {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, RendersEveryFamilyInPrometheusText) {
  Metrics metrics;
  metrics.ObserveReconcile("success", 0.02);
  metrics.ObserveReconcile("error", 1.5);
  metrics.SetQueueDepth(3);
  metrics.CountError("engine");
  metrics.CountDriftCorrections(2);
  metrics.SetEngineCalls({{"list services", 7}});
  std::string text = metrics.RenderText();
  EXPECT_THAT(text, HasSubstr("swarmop_reconcile_total{result=\"success\"} 1"));
  EXPECT_THAT(text, HasSubstr("swarmop_reconcile_total{result=\"error\"} 1"));
  EXPECT_THAT(text, HasSubstr("swarmop_reconcile_duration_seconds_count 2"));
  EXPECT_THAT(text, HasSubstr("swarmop_queue_depth 3"));
  EXPECT_THAT(text, HasSubstr("swarmop_errors_total{kind=\"engine\"} 1"));
  EXPECT_THAT(text, HasSubstr("swarmop_drift_corrections_total 2"));
  EXPECT_THAT(text, HasSubstr("swarmop_engine_calls_total{verb=\"list services\"} 7"));
}

TEST(Metrics, EngineCallCountersFollowCumulativeCountsWithoutGoingDown) {
  Metrics metrics;
  metrics.SetEngineCalls({{"update service", 2}});
  metrics.SetEngineCalls({{"update service", 5}});
  metrics.SetEngineCalls({{"update service", 1}});  // the source was reset: keep the counter monotonic
  EXPECT_THAT(metrics.RenderText(), HasSubstr("swarmop_engine_calls_total{verb=\"update service\"} 5"));
}

TEST(Metrics, RefusedWriteCallsAreCountedApartFromTheCalls) {
  Metrics metrics;
  metrics.SetEngineCalls({{"update service", 3}});
  metrics.SetEngineCallFailures({{"update service", 1}});
  std::string text = metrics.RenderText();
  EXPECT_THAT(text, HasSubstr("swarmop_engine_calls_total{verb=\"update service\"} 3"));
  EXPECT_THAT(text, HasSubstr("swarmop_engine_call_failures_total{verb=\"update service\"} 1"));
}

}  // namespace
}  // namespace swarmop::reconciler
