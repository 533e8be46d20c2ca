#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "swarmop/reconciler/controller/metrics.h"

namespace swarmop::reconciler {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

TEST(Metrics, LeaderGaugeSaysWhetherThisProcessReconciles) {
  Metrics metrics;
  EXPECT_THAT(metrics.RenderText(), HasSubstr("swarmop_leader 0"));
  metrics.SetLeading(true);
  EXPECT_THAT(metrics.RenderText(), HasSubstr("swarmop_leader 1"));
}

TEST(Metrics, FollowerTextReportsNotLeading) {
  EXPECT_THAT(FollowerMetricsText(), HasSubstr("# TYPE swarmop_leader gauge\nswarmop_leader 0\n"));
}

TEST(Metrics, ServiceTasksReportDesiredRunningAndJobCompletions) {
  Metrics metrics;
  metrics.SetServiceTasks(
      "Service", "api",
      {{"api-douala", "douala", "replicated", 3, 1, 0}, {"api-yaounde", "yaounde", "replicated", 2, 2, 0}});
  metrics.SetServiceTasks("Replication", "db", {{"db-init", "cloud", "replicated-job", 1, 0, 1}});
  std::string text = metrics.RenderText();
  EXPECT_THAT(text, HasSubstr("swarmop_service_desired_tasks{mode=\"replicated\",owner=\"api\",owner_kind="
                              "\"Service\",service=\"api-douala\",site=\"douala\"} 3"));
  EXPECT_THAT(text, HasSubstr("swarmop_service_running_tasks{mode=\"replicated\",owner=\"api\",owner_kind="
                              "\"Service\",service=\"api-douala\",site=\"douala\"} 1"));
  EXPECT_THAT(text, HasSubstr("swarmop_service_completed_tasks{mode=\"replicated-job\",owner=\"db\","
                              "owner_kind=\"Replication\",service=\"db-init\",site=\"cloud\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("swarmop_service_completed_tasks{mode=\"replicated\"")));
}

TEST(Metrics, ServiceTaskLabelValuesAreEscapedAsTheTextFormatSays) {
  Metrics metrics;
  metrics.SetServiceTasks("Service", "a\"b\\c", {{"api-x", "line\nbreak", "replicated", 1, 1, 0}});
  EXPECT_THAT(metrics.RenderText(),
              HasSubstr("swarmop_service_running_tasks{mode=\"replicated\",owner=\"a\\\"b\\\\c\",owner_kind="
                        "\"Service\",service=\"api-x\",site=\"line\\nbreak\"} 1\n"));
}

TEST(Metrics, ServiceTasksOfAKeyGoWhenItsServicesDo) {
  Metrics metrics;
  metrics.SetServiceTasks(
      "Service", "api",
      {{"api-douala", "douala", "replicated", 3, 3, 0}, {"api-yaounde", "yaounde", "replicated", 2, 2, 0}});
  metrics.SetServiceTasks("Service", "web", {{"web-cloud", "cloud", "replicated", 1, 1, 0}});
  metrics.SetServiceTasks("Service", "api", {{"api-douala", "douala", "replicated", 3, 2, 0}});
  std::string text = metrics.RenderText();
  EXPECT_THAT(text, Not(HasSubstr("api-yaounde")));
  EXPECT_THAT(text, HasSubstr("service=\"api-douala\",site=\"douala\"} 2"));
  metrics.SetServiceTasks("Service", "api", {});
  text = metrics.RenderText();
  EXPECT_THAT(text, Not(HasSubstr("api-douala")));
  EXPECT_THAT(text, HasSubstr("service=\"web-cloud\""));  // another key's series stay
}

}  // namespace
}  // namespace swarmop::reconciler
