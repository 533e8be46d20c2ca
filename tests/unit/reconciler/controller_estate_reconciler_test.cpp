#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller_test_specs.h"
#include "fake_engine.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/controller/estate_reconciler.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/store/spec_store.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using testing::BrokenServiceYaml;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::ServiceYaml;
using testing::SiteYaml;

const Request kSite{"Site", "douala"};
const Request kApi{"Service", "api"};

EstateReconcilerOptions FastOptions() {
  EstateReconcilerOptions options;
  options.apply.retry_backoff = std::chrono::milliseconds(1);
  return options;
}

class EstateReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override { fake.AddNode("testbed", {{"site", "douala"}}); }

  void StoreSpecs(const std::string& yaml) {
    auto applied = store.Apply({crds::SourceFile{"test.yaml", yaml}});
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    ASSERT_TRUE(applied->plan.ok()) << crds::FormatDiagnostics(applied->plan.errors);
  }

  StatusOr<Result> Reconcile(const Request& key) { return reconciler.Reconcile(key); }

  // Every key twice: create, then see it run.
  void ConvergeAll() {
    for (int pass = 0; pass < 2; ++pass) {
      for (const Request& key : {kSite, kApi}) {
        auto result = Reconcile(key);
        ASSERT_TRUE(result.ok()) << key.ToString() << ": " << result.status().ToString();
      }
    }
  }

  uint64_t Replicas(const std::string& service) { return fake.FindService(service)->spec.mode.replicas; }

  std::string StatusLabel(const std::string& label) {
    auto contents = store.Load();
    const StoredSpec* spec = contents->Find(crds::Kind::kService, "api");
    auto it = spec->labels.find(label);
    return it == spec->labels.end() ? "" : it->second;
  }

  swarmop::testing::FakeEngine fake;
  engine::CountingEngine counting{&fake};
  FakeClock clock;
  SpecStore store{counting};
  SpecCache specs{[this] { return store.Load(); }, clock, std::chrono::milliseconds(0)};
  OwnWrites own_writes{clock};
  Metrics metrics;
  StatusReporter status{store, counting, own_writes};
  EstateReconciler reconciler{counting, specs, status, &metrics, clock, FastOptions()};
};

TEST_F(EstateReconcilerTest, ANewSpecIsCreatedThenReadyAndASecondPassWritesNothing) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  auto first = Reconcile(kApi);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->requeue_after.count(), 0) << "look again once the tasks run";
  ASSERT_TRUE(fake.FindService("api-douala").has_value());
  EXPECT_EQ(Replicas("api-douala"), 2u);
  EXPECT_EQ(StatusLabel(status_labels::kProgressing), "True");

  ConvergeAll();
  EXPECT_EQ(StatusLabel(status_labels::kReady), "True");
  EXPECT_EQ(StatusLabel(status_labels::kReason), "Converged");

  counting.Reset();
  for (int i = 0; i < 3; ++i) ConvergeAll();
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
}

TEST_F(EstateReconcilerTest, AManualScaleIsRevertedAndCountedAsDrift) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  engine::Service service = *fake.FindService("api-douala");
  service.spec.mode.replicas = 5;
  ASSERT_TRUE(fake.UpdateService(service.id, service.version, service.spec).ok());

  ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_EQ(Replicas("api-douala"), 2u);
  EXPECT_THAT(metrics.RenderText(), HasSubstr("swarmop_drift_corrections_total 1"));
}

TEST_F(EstateReconcilerTest, AManualEnvChangeIsReverted) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 1));
  ConvergeAll();
  engine::Service service = *fake.FindService("api-douala");
  service.spec.task_template.container_spec.env.push_back("DEBUG=1");
  ASSERT_TRUE(fake.UpdateService(service.id, service.version, service.spec).ok());

  ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_THAT(fake.FindService("api-douala")->spec.task_template.container_spec.env,
              Not(Contains("DEBUG=1")));
}

TEST_F(EstateReconcilerTest, ABrokenSpecShowsDegradedAndLeavesTheRunningServicesAlone) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  std::string broken_id = fake.AddConfig(engine::ConfigSpec{"api-by-hand", {}, BrokenServiceYaml("api"), ""});
  counting.Reset();

  auto result = Reconcile(kApi);
  ASSERT_TRUE(result.ok()) << "a bad spec is a status, not a retry: " << result.status().ToString();
  for (const std::string& write : counting.WriteLog()) EXPECT_THAT(write, Not(HasSubstr("service")));
  EXPECT_EQ(Replicas("api-douala"), 2u);
  auto degraded = status.Get(kApi);
  ASSERT_TRUE(degraded.has_value());
  EXPECT_EQ(degraded->Headline().type, kConditionDegraded);
  EXPECT_EQ(degraded->Headline().reason, "InvalidSpec");
  EXPECT_THAT(degraded->Headline().message, HasSubstr("config:api-by-hand"));
  auto labels = fake.InspectConfig(broken_id)->spec.labels;
  EXPECT_EQ(labels[status_labels::kDegraded], "True") << "shown on the config the user made";
}

// A "billion laughs" (nine aliases per level, ten levels) in a config anyone may `docker config create`.
std::string BillionLaughs(const std::string& name) {
  std::string yaml = "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: " + name + "}\n";
  yaml += "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev + ", " + prev + ", " + prev +
            ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + "]\n";
  }
  return yaml + "spec: *a9\n";
}

TEST_F(EstateReconcilerTest, AHostileSpecPastAParserLimitIsDegradedAndTheOperatorGoesOn) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  std::string laughs_id = fake.AddConfig(engine::ConfigSpec{
      "api-laughs", {{labels::kKind, "Service"}, {labels::kName, "api"}}, BillionLaughs("api"), ""});
  counting.Reset();

  auto result = Reconcile(kApi);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  for (const std::string& write : counting.WriteLog()) EXPECT_THAT(write, Not(HasSubstr("service")));
  EXPECT_EQ(Replicas("api-douala"), 2u);
  auto degraded = status.Get(kApi);
  ASSERT_TRUE(degraded.has_value());
  EXPECT_EQ(degraded->Headline().type, kConditionDegraded);
  EXPECT_THAT(degraded->Headline().message,
              HasSubstr("config:api-laughs:9:"));  // a5: where the alias passes the node limit
  EXPECT_THAT(degraded->Headline().message, HasSubstr("exceeds the limit of 250000 nodes per source"));
  EXPECT_EQ(fake.InspectConfig(laughs_id)->spec.labels[status_labels::kDegraded], "True");
}

TEST_F(EstateReconcilerTest, AnUnlabelledHostileConfigOnlyTurnsPruningOff) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  fake.AddConfig(engine::ConfigSpec{"laughs", {}, BillionLaughs("x"), ""});
  fake.AddConfig(engine::ConfigSpec{
      "long",
      {},
      "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: " + std::string(4000000, 'a') + "}\n",
      ""});
  counting.Reset();
  for (const Request& key : {kSite, kApi}) {
    auto result = Reconcile(key);
    ASSERT_TRUE(result.ok()) << key.ToString() << ": " << result.status().ToString();
  }
  EXPECT_EQ(Replicas("api-douala"), 2u);
  EXPECT_EQ(counting.Count("remove service"), 0u);
}

TEST_F(EstateReconcilerTest, AServiceWhoseSecretIsMissingWritesNothingAndIsDegradedUntilItExists) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2) + "  secrets: [api-key]\n");
  counting.Reset();
  auto result = Reconcile(kApi);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  for (const std::string& write : counting.WriteLog())
    EXPECT_THAT(write, HasSubstr("config")) << "status only";
  EXPECT_FALSE(fake.FindService("api-douala").has_value());
  auto degraded = status.Get(kApi);
  ASSERT_TRUE(degraded.has_value());
  EXPECT_EQ(degraded->Headline().type, kConditionDegraded);
  EXPECT_EQ(degraded->Headline().reason, "MissingReference");
  EXPECT_THAT(degraded->Headline().message,
              HasSubstr("secret api-key does not exist, so the swarm would refuse the services that use it: "
                        "Service/api (api-douala)"));

  fake.AddSecret("api-key");
  ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_TRUE(fake.FindService("api-douala").has_value());
}

TEST_F(EstateReconcilerTest, ASiteKeyNeverTouchesTheServicesOfAnInvalidSpecAtThatSite) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  fake.AddConfig(engine::ConfigSpec{"api-by-hand", {}, BrokenServiceYaml("api"), ""});
  counting.Reset();
  ASSERT_TRUE(Reconcile(kSite).ok());
  EXPECT_TRUE(fake.FindService("api-douala").has_value());
  EXPECT_EQ(counting.Count("remove service"), 0u);
}

TEST_F(EstateReconcilerTest, AServiceNamingAMissingSiteDoesNotStopTheOthersRendering) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  // By hand (`docker config create`): a Service at a Site nobody declared. It loads; it cannot render.
  fake.AddConfig(engine::ConfigSpec{"web-by-hand", {}, ServiceYaml("web", 1, "nowhere"), ""});

  auto api = Reconcile(kApi);
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  EXPECT_TRUE(fake.FindService("api-douala").has_value()) << "api renders as if web were not there";
  ASSERT_TRUE(Reconcile(Request{"Service", "web"}).ok());
  auto web = status.Get(Request{"Service", "web"});
  ASSERT_TRUE(web.has_value());
  EXPECT_EQ(web->Headline().reason, "InvalidSpec");
  EXPECT_THAT(web->Headline().message, HasSubstr("nowhere"));
}

TEST_F(EstateReconcilerTest, AServiceWhoseSiteStopsLoadingKeepsRunningUntouched) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  ASSERT_TRUE(store.Delete(crds::Kind::kSite, "douala").ok());
  std::string broken_site = SiteYaml();
  broken_site.replace(broken_site.find("role: edge"), 10, "role: moon");  // names Site/douala, does not load
  fake.AddConfig(engine::ConfigSpec{"douala-by-hand", {}, broken_site, ""});
  counting.Reset();

  for (const Request& key : {kSite, kApi}) ASSERT_TRUE(Reconcile(key).ok()) << key.ToString();
  EXPECT_TRUE(fake.FindService("api-douala").has_value()) << "not pruned: its Site is broken, not gone";
  EXPECT_EQ(Replicas("api-douala"), 2u);
  EXPECT_EQ(counting.Count("remove service"), 0u);
  auto api = status.Get(kApi);
  ASSERT_TRUE(api.has_value());
  EXPECT_THAT(api->Headline().message, HasSubstr("Site douala does not load"));
}

TEST_F(EstateReconcilerTest, ADeletedSpecHasItsServicesPruned) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  ASSERT_TRUE(store.Delete(crds::Kind::kService, "api").ok());

  ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_FALSE(fake.FindService("api-douala").has_value());
  EXPECT_FALSE(status.Get(kApi).has_value()) << "a gone spec has no status";
}

TEST_F(EstateReconcilerTest, TaskGaugesFollowTheKeysServicesAndGoWithThem) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  const std::string labels =
      "{mode=\"replicated\",owner=\"api\",owner_kind=\"Service\",service=\"api-douala\","
      "site=\"douala\"}";
  EXPECT_THAT(metrics.RenderText(), HasSubstr("swarmop_service_desired_tasks" + labels + " 2"));
  EXPECT_THAT(metrics.RenderText(), HasSubstr("swarmop_service_running_tasks" + labels + " 2"));

  fake.SetConverged(false);  // the tasks stop running
  ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_THAT(metrics.RenderText(), HasSubstr("swarmop_service_running_tasks" + labels + " 0"));

  ASSERT_TRUE(store.Delete(crds::Kind::kService, "api").ok());
  ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_THAT(metrics.RenderText(), Not(HasSubstr("api-douala")));
}

TEST_F(EstateReconcilerTest, AConfigThatNamesNoSpecTurnsPruningOff) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  ASSERT_TRUE(store.Delete(crds::Kind::kService, "api").ok());
  fake.AddConfig(engine::ConfigSpec{"half-typed", {}, "apiVersion: swarmop.io/v1alpha1\nkind: [", ""});

  ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_TRUE(fake.FindService("api-douala").has_value()) << "that config may be api's new home";
}

TEST_F(EstateReconcilerTest, AnEngineOutageIsAnErrorAndTheNextPassRecovers) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  fake.FailNext("list services", 1, UnavailableError("connection refused"));
  auto failed = Reconcile(kApi);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Code::kUnavailable);
  ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_TRUE(fake.FindService("api-douala").has_value());
}

TEST_F(EstateReconcilerTest, A500OrATimeoutThatLandedOrAnOutOfSequenceUpdateStillConvergesWithoutDuplicates) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  fake.FailNext("create service", 1, TimeoutError("deadline exceeded"), /*after_effect=*/true);
  ASSERT_TRUE(Reconcile(kApi).ok());
  ConvergeAll();
  engine::Service service = *fake.FindService("api-douala");
  service.spec.mode.replicas = 4;
  ASSERT_TRUE(fake.UpdateService(service.id, service.version, service.spec).ok());
  fake.FailNext("update service", 1, AbortedError("update out of sequence"));
  fake.FailNext("inspect service", 1, InternalError("500 Internal Server Error"));
  for (int i = 0; i < 3 && Replicas("api-douala") != 2; ++i) (void)Reconcile(kApi);
  EXPECT_EQ(Replicas("api-douala"), 2u);
  std::vector<std::string> names = fake.ServiceNames();
  EXPECT_EQ(std::count(names.begin(), names.end(), "api-douala"), 1);
}

TEST_F(EstateReconcilerTest, StatusLabelsAreWrittenOnlyWhenTheyChange) {
  StoreSpecs(SiteYaml() + "---\n" + ServiceYaml("api", 2));
  ConvergeAll();
  uint64_t writes = status.LabelWrites();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_EQ(status.LabelWrites(), writes);
  clock.Advance(std::chrono::hours(1));
  ASSERT_TRUE(Reconcile(kApi).ok());
  EXPECT_EQ(status.LabelWrites(), writes) << "time passing is no change";
}

// Watch mode with EstateReconcilerOptions::observe_replications: a MongoDB membership change goes one
// voter per job; while a step's job runs the key stays Progressing (and is looked at again) with nothing
// written, and the next step is applied only once the job completed.
TEST_F(EstateReconcilerTest, AMongoMembershipChangeStepsOnceEachJobCompletes) {
  const Request db{"Replication", "db"};
  auto specs_with = [](const std::string& members) {
    std::string yaml = SiteYaml("douala") + "---\n" + SiteYaml("yaounde") + "---\n" + SiteYaml("kribi") +
                       "---\napiVersion: swarmop.io/v1alpha1\nkind: Replication\nmetadata: {name: db}\n"
                       "spec:\n  engine: mongodb\n  image: mongo:7.0\n  replicaSet: rs0\n"
                       "  keyFileSecret: db-keyfile\n  members:\n";
    for (const char* site : {"douala", "yaounde", "kribi"}) {
      if (members.find(site) != std::string::npos) yaml += std::string("    - {site: ") + site + "}\n";
    }
    return yaml;
  };
  auto complete = [&](const std::string& job) {
    engine::Task done;
    done.id = job + "-task";
    done.desired_state = "complete";
    done.status.state = "complete";
    fake.SetTasks(job, {done});
  };
  auto reason = [&] {
    auto contents = store.Load();
    const StoredSpec* spec = contents->Find(crds::Kind::kReplication, "db");
    auto it = spec->labels.find(status_labels::kReason);
    return it == spec->labels.end() ? std::string() : it->second;
  };
  auto names = [&] { return ::testing::PrintToString(fake.ServiceNames()); };
  EstateReconcilerOptions options = FastOptions();
  options.observe_replications = true;
  EstateReconciler stepping{counting, specs, status, &metrics, clock, options};
  fake.AddSecret("db-keyfile");

  StoreSpecs(specs_with("douala"));
  auto result = stepping.Reconcile(db);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(names(), R"({ "db-douala", "db-init" })");
  result = stepping.Reconcile(db);  // the init job runs: look again, write nothing to what runs
  ASSERT_TRUE(result.ok());
  EXPECT_GT(result->requeue_after.count(), 0);
  EXPECT_EQ(reason(), "WaitingForTasks");
  complete("db-init");
  result = stepping.Reconcile(db);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->requeue_after.count(), 0);
  EXPECT_EQ(reason(), "Converged");

  StoreSpecs(specs_with("douala yaounde kribi"));
  ASSERT_TRUE(stepping.Reconcile(db).ok());
  EXPECT_EQ(names(), R"({ "db-douala", "db-init", "db-reconfig-v2", "db-yaounde" })");
  counting.Reset();
  result = stepping.Reconcile(db);
  ASSERT_TRUE(result.ok());
  EXPECT_GT(result->requeue_after.count(), 0) << "the v2 job runs: look again";
  EXPECT_THAT(counting.WriteLog(), Not(Contains(HasSubstr("service"))))  // (its status label may change)
      << ::testing::PrintToString(counting.WriteLog());
  complete("db-reconfig-v2");
  ASSERT_TRUE(stepping.Reconcile(db).ok());
  EXPECT_EQ(names(), R"({ "db-douala", "db-kribi", "db-reconfig-v2", "db-reconfig-v3", "db-yaounde" })");
  complete("db-reconfig-v3");
  ASSERT_TRUE(stepping.Reconcile(db).ok());
  EXPECT_EQ(names(), R"({ "db-douala", "db-kribi", "db-reconfig-v3", "db-yaounde" })");
  result = stepping.Reconcile(db);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(reason(), "Converged");
  counting.Reset();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(stepping.Reconcile(db).ok());
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
}

}  // namespace
}  // namespace swarmop::reconciler
