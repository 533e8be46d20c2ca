// WaitForConvergence against the fake swarm: ok when running, clear reasons when not.
#include "swarmop/reconciler/core/converge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "estate_fixtures.h"

namespace swarmop::reconciler {
namespace {

using ::testing::HasSubstr;
using namespace swarmop::reconciler::testing;
using swarmop::testing::FakeEngine;

ConvergenceOptions Fast() {
  ConvergenceOptions options;
  options.timeout = std::chrono::milliseconds(300);
  options.poll_interval = std::chrono::milliseconds(5);
  options.pending_grace = std::chrono::milliseconds(0);
  options.stable_for = std::chrono::milliseconds(0);
  return options;
}

std::vector<DesiredService> Applied(FakeEngine& fake) {
  EXPECT_TRUE(Converge(fake, TwoSiteEstate()).ok());
  return Render(TwoSiteEstate())->services;
}

engine::Task TaskIn(const std::string& id, const std::string& state, const std::string& err) {
  engine::Task task;
  task.id = id;
  task.desired_state = state == "pending" ? "running" : "shutdown";
  task.status.state = state;
  task.status.err = err;
  return task;
}

DesiredService JobNamed(FakeEngine& fake, const std::string& name) {
  DesiredService job;
  job.spec.name = name;
  job.spec.mode.kind = engine::ServiceMode::Kind::kReplicatedJob;
  job.spec.mode.total_completions = 1;
  job.spec.task_template.container_spec.image = "local/postgres:15";
  EXPECT_TRUE(fake.CreateService(job.spec).ok());
  return job;
}

engine::Task JobTask(const std::string& id, const std::string& state, const std::string& err) {
  engine::Task task = TaskIn(id, state, err);
  task.job_iteration = 0;
  task.updated_at = "2026-12-01T00:00:0" + id.substr(1) + "Z";
  return task;
}

TEST(WaitForConvergence, AJobConvergesOnceItsTaskCompletedAndSwarmsRetriesAreNoProblem) {
  FakeEngine fake;
  std::vector<DesiredService> services = {JobNamed(fake, "db-subscribe")};
  std::vector<engine::Task> tasks;
  std::vector<std::string> notes;
  ConvergenceOptions options = Fast();
  int polls = 0;
  options.progress = [&](const std::vector<ServiceProgress>& progress) {
    notes.push_back(progress[0].retrying);
    if (++polls <= 4) {
      tasks.push_back(JobTask("t" + std::to_string(polls), "failed", "task: non-zero exit (3)"));
    } else if (polls == 5) {
      tasks.push_back(JobTask("t5", "complete", ""));
    }
    fake.SetTasks("db-subscribe", tasks);
  };
  ConvergenceResult result = WaitForConvergence(fake, services, options);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_TRUE(result.services[0].job);
  EXPECT_EQ(result.services[0].running, 1u);
  EXPECT_TRUE(result.services[0].retrying.empty());
  EXPECT_THAT(notes, ::testing::Contains("task: non-zero exit (3)"));
}

TEST(WaitForConvergence, AJobThatNeverCompletesTimesOutAndSaysWhatItRetries) {
  FakeEngine fake;
  std::vector<DesiredService> services = {JobNamed(fake, "db-subscribe")};
  fake.SetTasks("db-subscribe", {JobTask("t1", "failed", "task: non-zero exit (3)")});
  ConvergenceResult result = WaitForConvergence(fake, services, Fast());
  EXPECT_EQ(result.status.code(), Code::kTimeout) << result.status.ToString();
  EXPECT_THAT(result.status.message(), HasSubstr("db-subscribe 0/1"));
  EXPECT_EQ(result.services[0].retrying, "task: non-zero exit (3)");
}

TEST(WaitForConvergence, RunningServicesConverge) {
  FakeEngine fake;
  auto services = Applied(fake);
  ConvergenceResult result = WaitForConvergence(fake, services, Fast());
  EXPECT_TRUE(result.status.ok()) << result.status.ToString();
  ASSERT_EQ(result.services.size(), 3u);
  EXPECT_EQ(result.services[0].running, 2u);
  EXPECT_THAT(result.Table(), HasSubstr("api-douala\tdouala\t2/2\t-\t-"));
}

TEST(WaitForConvergence, TaskThatKeepsFailingFailsWithItsError) {
  FakeEngine fake;
  auto services = Applied(fake);
  fake.SetTasks("web-douala", {});  // first poll: nothing failed yet
  std::vector<engine::Task> failing;
  ConvergenceOptions options = Fast();
  int polls = 0;
  options.progress = [&](const std::vector<ServiceProgress>&) {
    if (++polls > 3) return;
    failing.push_back(TaskIn("t" + std::to_string(polls), "failed", "task: non-zero exit (1)"));
    fake.SetTasks("web-douala", failing);
  };
  ConvergenceResult result = WaitForConvergence(fake, services, options);
  EXPECT_EQ(result.status.code(), Code::kFailedPrecondition);
  EXPECT_THAT(result.status.message(),
              HasSubstr("web-douala: 3 tasks failed; last: task: non-zero exit (1)"));
}

// A task that cannot pull its image: the problem names the image's registry and whether credentials for it
// were sent (issue 13: private images).
ConvergenceResult FailingToPull(const std::shared_ptr<const engine::RegistryAuth>& auth) {
  FakeEngine fake;
  auto services = Applied(fake);
  const std::string image = "127.0.0.1:5000/private/app:1";
  for (auto& s : services) s.spec.task_template.container_spec.image = image;
  auto current = fake.InspectService("web-douala");
  EXPECT_TRUE(current.ok());
  engine::ServiceSpec spec = current->spec;
  spec.task_template.container_spec.image = image;
  EXPECT_TRUE(fake.UpdateService(current->id, current->version, spec).ok());
  fake.SetTasks("web-douala", {});
  std::vector<engine::Task> failing;
  ConvergenceOptions options = Fast();
  options.registry_auth = auth;
  int polls = 0;
  options.progress = [&](const std::vector<ServiceProgress>&) {
    if (++polls > 3) return;
    failing.push_back(TaskIn("t" + std::to_string(polls), "rejected", "No such image: " + image));
    fake.SetTasks("web-douala", failing);
  };
  return WaitForConvergence(fake, services, options);
}

TEST(WaitForConvergence, AnImageThatCannotBePulledNamesItsRegistryAndTheMissingCredentials) {
  ConvergenceResult none = FailingToPull(nullptr);
  EXPECT_EQ(none.status.code(), Code::kFailedPrecondition);
  EXPECT_THAT(none.status.message(), HasSubstr("could not be pulled from registry 127.0.0.1:5000: registry "
                                               "credentials are missing"));
  auto auth = engine::RegistryAuth::FromDockerConfigJson(
      R"({"auths": {"127.0.0.1:5000": {"username": "u", "password": "p4ss"}}})", "config.json");
  ASSERT_TRUE(auth.ok());
  ConvergenceResult sent = FailingToPull(std::make_shared<const engine::RegistryAuth>(*auth));
  EXPECT_THAT(sent.status.message(), HasSubstr("with the credentials sent for 127.0.0.1:5000"));
  EXPECT_THAT(sent.status.message(), ::testing::Not(HasSubstr("p4ss")));
}

TEST(WaitForConvergence, ServiceMustStayRunningForTheStabilityWindow) {
  FakeEngine fake;
  auto services = Applied(fake);
  ConvergenceOptions options = Fast();
  options.stable_for = std::chrono::milliseconds(50);
  int polls = 0;
  options.progress = [&](const std::vector<ServiceProgress>&) { ++polls; };
  ConvergenceResult result = WaitForConvergence(fake, services, options);
  EXPECT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_GT(polls, 2);  // not on the first poll that saw everything running
}

TEST(WaitForConvergence, PausedUpdateFails) {
  FakeEngine fake;
  auto services = Applied(fake);
  fake.SetUpdateStatus("api-yaounde", "paused",
                       "update paused due to failure or early termination of task x");
  ConvergenceResult result = WaitForConvergence(fake, services, Fast());
  EXPECT_THAT(result.status.message(), HasSubstr("api-yaounde: update paused: update paused due to failure"));
}

TEST(WaitForConvergence, UnplaceableTaskNamesTheServiceConstraints) {
  FakeEngine fake;
  auto services = Applied(fake);
  fake.SetTasks("web-douala", {TaskIn("p1", "pending",
                                      "no suitable node (scheduling constraints not satisfied on 1 node)")});
  ConvergenceResult result = WaitForConvergence(fake, services, Fast());
  EXPECT_THAT(result.status.message(), HasSubstr("web-douala: cannot be placed: no suitable node"));
  EXPECT_THAT(result.status.message(), HasSubstr("constraints: node.labels.site==douala"));
}

TEST(WaitForConvergence, TimeoutSaysWhoIsStillWaiting) {
  FakeEngine fake;
  auto services = Applied(fake);
  fake.SetConverged(false);
  ConvergenceResult result = WaitForConvergence(fake, services, Fast());
  EXPECT_EQ(result.status.code(), Code::kTimeout);
  EXPECT_THAT(result.status.message(), HasSubstr("api-douala 0/2"));
}

}  // namespace
}  // namespace swarmop::reconciler
