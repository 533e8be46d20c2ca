// The estate chart's default render is the estate of manifests/reference/: the same specs, compared parsed
// (canonical documents, with defaults applied), in the default environment and in every environment the
// reference files name. Data-driven: whatever manifests/reference holds when the test runs.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "swarmop/charts/render.h"
#include "swarmop/crds/load.h"
#include "yaml_to_json.h"

namespace swarmop::charts {
namespace {

const std::string kReferenceDir = std::string(SWARMOP_SOURCE_DIR) + "/manifests/reference";

template <typename T>
void AddCanonical(const std::vector<T>& objects, const char* kind, std::map<std::string, std::string>& out) {
  for (const T& object : objects) out[std::string(kind) + "/" + object.name()] = object.CanonicalJson();
}

std::map<std::string, std::string> Canonical(const std::vector<crds::SourceFile>& files,
                                             const std::string& environment) {
  crds::LoadResult loaded = crds::LoadSpecs(files, {.environment = environment});
  EXPECT_EQ(crds::FormatDiagnostics(loaded.errors), "") << "environment '" << environment << "'";
  std::map<std::string, std::string> out;
  AddCanonical(loaded.state.sites, "Site", out);
  AddCanonical(loaded.state.services, "Service", out);
  AddCanonical(loaded.state.replications, "Replication", out);
  return out;
}

// Kind/name -> spec.environments as written (canonical documents drop it, so it is compared on its own).
std::map<std::string, nlohmann::json> Environments(const std::vector<crds::SourceFile>& files,
                                                   std::set<std::string>& names) {
  std::map<std::string, nlohmann::json> out;
  for (const crds::SourceFile& file : files) {
    for (const auto& doc : crds::internal::ParseYaml(file.path, file.content).documents) {
      const nlohmann::json environments = doc.value["spec"].value("environments", nlohmann::json());
      if (environments.is_null()) continue;
      out[doc.value.value("kind", "") + "/" + doc.value["metadata"].value("name", "")] = environments;
      for (const auto& [name, unused] : environments.items()) names.insert(name);
    }
  }
  return out;
}

TEST(EstateChart, DefaultRenderEqualsTheReferenceManifestsInEveryEnvironment) {
  auto reference = crds::ReadSources({kReferenceDir});
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  auto chart = LoadChart("estate");
  ASSERT_TRUE(chart.ok()) << chart.status().ToString();
  const RenderResult rendered = RenderChart(*chart, {});
  ASSERT_EQ(crds::FormatDiagnostics(rendered.errors), "");

  std::set<std::string> environments = {""};
  EXPECT_EQ(Environments(rendered.manifests, environments), Environments(*reference, environments));
  for (const std::string& environment : environments) {
    const auto want = Canonical(*reference, environment);
    const auto got = Canonical(rendered.manifests, environment);
    std::set<std::string> keys;
    for (const auto& [key, unused] : want) keys.insert(key);
    for (const auto& [key, unused] : got) keys.insert(key);
    for (const std::string& key : keys) {
      auto w = want.find(key);
      auto g = got.find(key);
      if (w == want.end()) {
        ADD_FAILURE() << key << " is rendered by the estate chart but not in manifests/reference";
      } else if (g == got.end()) {
        ADD_FAILURE() << key << " is in manifests/reference but the estate chart does not render it";
      } else {
        EXPECT_EQ(g->second, w->second) << key << " differs (environment '" << environment << "')";
      }
    }
  }
}

TEST(EstateChart, ValuesCanDropAComponentAndRenameASite) {
  auto chart = LoadChart("estate");
  ASSERT_TRUE(chart.ok());
  RenderRequest request;
  request.set_flags = {"logs.enabled=false", "mongodb.enabled=false"};
  const RenderResult rendered = RenderChart(*chart, request);
  ASSERT_EQ(crds::FormatDiagnostics(rendered.errors), "");
  EXPECT_EQ(rendered.specs.FindService("logstash"), nullptr);
  EXPECT_EQ(rendered.specs.FindReplication("sessions-db"), nullptr);
  EXPECT_NE(rendered.specs.FindService("identity-api"), nullptr);
}

}  // namespace
}  // namespace swarmop::charts
