// Watch mode re-renders the profile Services that derive from a changed spec at once: ProfileDependants
// (which keys a change concerns) and the EstateReconciler that hands them to the queue.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller_test_specs.h"
#include "fake_engine.h"
#include "swarmop/reconciler/controller/estate_reconciler.h"
#include "swarmop/reconciler/controller/own_writes.h"
#include "swarmop/reconciler/profiles/dependants.h"
#include "swarmop/reconciler/profiles/profiles.h"
#include "swarmop/reconciler/store/spec_store.h"
#include "swarmop/reconciler/testing/fake_clock.h"

namespace swarmop::reconciler {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ServiceYaml;
using testing::SiteYaml;

crds::Service Named(const std::string& name, crds::Profile profile, std::vector<std::string> sites) {
  crds::Service service;
  service.metadata.name = name;
  service.spec.profile = profile;
  for (const std::string& site : sites) service.spec.sites[site].replicas = 1;
  return service;
}

crds::DesiredState Estate() {
  crds::DesiredState state;
  state.services = {Named("api", crds::Profile::kGeneric, {"douala", "yaounde"}),
                    Named("gateway", crds::Profile::kKong, {"cloud"}),
                    Named("logstash", crds::Profile::kLogstash, {"douala"}),
                    Named("prom", crds::Profile::kPrometheus, {"cloud"}),
                    Named("web", crds::Profile::kGeneric, {"yaounde"})};
  return state;
}

std::set<Request> Services(std::initializer_list<const char*> names) {
  std::set<Request> out;
  for (const char* name : names) out.insert(Request{"Service", name});
  return out;
}

TEST(ProfileDependants, AChangedServiceConcernsTheGatewayAndPrometheusOnly) {
  EXPECT_EQ(profiles::ProfileDependants(Estate(), Estate(), Services({"web"})),
            Services({"gateway", "prom"}));
  EXPECT_EQ(profiles::ProfileDependants(Estate(), Estate(), Services({"gateway"})), Services({"prom"}));
}

TEST(ProfileDependants, ALogstashThatComesOrGoesConcernsEveryServiceAtItsSites) {
  crds::DesiredState without = Estate();
  without.services.erase(without.services.begin() + 2);
  std::set<Request> expected = Services({"api", "gateway", "prom"});  // api is at douala; web is not
  EXPECT_EQ(profiles::ProfileDependants(without, Estate(), Services({"logstash"})), expected);
  EXPECT_EQ(profiles::ProfileDependants(Estate(), without, Services({"logstash"})), expected);
}

TEST(ProfileDependants, AChangedSiteConcernsEveryProfileServiceThatReadsSites) {
  EXPECT_EQ(profiles::ProfileDependants(Estate(), Estate(), {Request{"Site", "douala"}}),
            Services({"gateway", "logstash", "prom"}));
  EXPECT_THAT(profiles::ProfileDependants(Estate(), Estate(), {Request{"Replication", "db"}}), IsEmpty());
}

std::string GatewayYaml() {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: gateway\nspec:\n"
         "  profile: kong\n  image: local/busybox:1\n  sites:\n    douala: {replicas: 1}\n";
}

std::string ExposedApiYaml(const std::string& path) {
  return ServiceYaml("api", 1) + "  expose: {port: 8000, paths: [" + path + "]}\n";
}

class DependantsReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override { fake.AddNode("testbed", {{"site", "douala"}}); }

  void StoreSpecs(const std::string& yaml) {
    auto applied = store.Apply({crds::SourceFile{"test.yaml", yaml}});
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    ASSERT_TRUE(applied->plan.ok()) << crds::FormatDiagnostics(applied->plan.errors);
  }

  void Reconcile(const Request& key) {
    auto result = reconciler.Reconcile(key);
    ASSERT_TRUE(result.ok()) << key.ToString() << ": " << result.status().ToString();
  }

  static EstateReconcilerOptions Options(std::vector<Request>& queued) {
    EstateReconcilerOptions options;
    options.apply.retry_backoff = std::chrono::milliseconds(1);
    UseProfileRendering(options.render);
    options.enqueue = [&queued](const Request& key) { queued.push_back(key); };
    return options;
  }

  // The config the gateway's service mounts (its name carries the hash of kong.yml).
  std::string GatewayConfig() {
    auto service = fake.FindService("gateway-douala");
    if (!service || service->spec.task_template.container_spec.configs.empty()) return "";
    return service->spec.task_template.container_spec.configs[0].config_name;
  }

  std::vector<Request> queued;
  swarmop::testing::FakeEngine fake;
  FakeClock clock;
  SpecStore store{fake};
  SpecCache specs{[this] { return store.Load(); }, clock, std::chrono::milliseconds(0)};
  OwnWrites own_writes{clock};
  Metrics metrics;
  StatusReporter status{store, fake, own_writes};
  EstateReconciler reconciler{fake, specs, status, &metrics, clock, Options(queued)};
};

TEST_F(DependantsReconcileTest, AChangedExposeQueuesTheGatewayWhoseReconcileRollsItAtOnce) {
  StoreSpecs(SiteYaml() + "---\n" + ExposedApiYaml("/v1") + "---\n" + GatewayYaml());
  for (const char* name : {"api", "gateway"}) Reconcile(Request{"Service", name});
  EXPECT_THAT(queued, IsEmpty()) << "the first load changes nothing";
  const std::string before = GatewayConfig();
  ASSERT_FALSE(before.empty());

  StoreSpecs(ExposedApiYaml("/v2"));
  Reconcile(Request{"Service", "api"});
  EXPECT_THAT(queued, ElementsAre(Request{"Service", "gateway"}));
  Reconcile(Request{"Service", "gateway"});
  EXPECT_NE(GatewayConfig(), before) << "the gateway mounts the kong.yml of the new paths";
  EXPECT_THAT(queued, ElementsAre(Request{"Service", "gateway"})) << "nothing changed since: nothing more";
}

TEST_F(DependantsReconcileTest, AnUnchangedReloadQueuesNothing) {
  StoreSpecs(SiteYaml() + "---\n" + ExposedApiYaml("/v1") + "---\n" + GatewayYaml());
  for (int pass = 0; pass < 3; ++pass) {
    for (const char* name : {"api", "gateway"}) Reconcile(Request{"Service", name});
  }
  EXPECT_THAT(queued, IsEmpty());
}

}  // namespace
}  // namespace swarmop::reconciler
