// How long does validating a realistic estate take? 1,000 manifests generated in memory (sites, services
// with most features, replications), loaded the way `swarmop validate` does (parse, schema, defaults, model,
// cross-references). Goal: well under a second for 1,000.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "swarmop/crds/load.h"

namespace {

using swarmop::crds::LoadSpecs;
using swarmop::crds::SourceFile;

std::string SiteManifest(int i) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata: {name: site" + std::to_string(i) +
         "}\nspec:\n  role: edge\n  nodeSelector: {site: site" + std::to_string(i) + "}\n  failover: site" +
         std::to_string((i + 1) % 10) + "\n  network: {encrypted: true}\n";
}

std::string ServiceManifest(int i) {
  std::string n = std::to_string(i);
  return "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: svc" + n +
         "\n  labels: {tier: api}\nspec:\n  profile: django-api\n  image: registry.gitlab.com/acme/svc" + n +
         ":1.4.2\n  sites:\n    site1: {replicas: 2}\n    site2: {replicas: 2, constraints: "
         "[node.role==worker]}\n"
         "  env: {DJANGO_SETTINGS_MODULE: app.settings, WORKERS: 4}\n"
         "  environments:\n    staging: {env: {DJANGO_DEBUG: \"0\"}, sites: {site1: {replicas: 1}}}\n"
         "  secrets: [svc-key, {name: svc-tls, target: /tls}]\n  database: {replication: db" +
         std::to_string(i % 10) + "}\n  expose: {port: 8000, paths: [/svc" + n +
         "], hosts: [api.example.cm]}\n"
         "  healthcheck: {http: /healthz, port: 8000, interval: 10s, timeout: 2s}\n"
         "  update: {parallelism: 1, order: start-first, failureAction: rollback, delay: 5s}\n"
         "  resources: {limits: {cpus: 0.5, memory: 512Mi}}\n  ports: [{published: " +
         std::to_string(20000 + i) + ", target: 8000}]\n  dependsOn: [db" + std::to_string(i % 10) + "]\n";
}

std::string ReplicationManifest(int i) {
  return "apiVersion: swarmop.io/v1alpha1\nkind: Replication\nmetadata: {name: db" + std::to_string(i) +
         "}\nspec:\n  engine: postgresql\n  image: postgres:16\n  primary: site0\n  readReplicas: [site1, "
         "site2]\n"
         "  logical:\n    publications: [{name: w, site: site1, tables: [audit]}]\n    subscriber: site0\n"
         "  storage: {volume: db-data}\n  passwordSecret: db-password\n";
}

// 10 sites, 10 replications, 980 services: one file per manifest.
std::vector<SourceFile> Estate() {
  std::vector<SourceFile> files;
  for (int i = 0; i < 10; ++i) files.push_back({"sites/" + std::to_string(i) + ".yaml", SiteManifest(i)});
  for (int i = 0; i < 10; ++i) files.push_back({"db/" + std::to_string(i) + ".yaml", ReplicationManifest(i)});
  for (int i = 0; i < 980; ++i) files.push_back({"svc/" + std::to_string(i) + ".yaml", ServiceManifest(i)});
  return files;
}

void BM_LoadSpecs1000Manifests(benchmark::State& state) {
  std::vector<SourceFile> files = Estate();
  for (auto _ : state) {
    auto result = LoadSpecs(files, {.environment = "staging"});
    if (!result.ok()) state.SkipWithError(result.errors[0].ToString().c_str());
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(files.size()));
}
BENCHMARK(BM_LoadSpecs1000Manifests)->Unit(benchmark::kMillisecond);

void BM_LoadOneService(benchmark::State& state) {
  std::vector<SourceFile> files = {{"svc.yaml", ServiceManifest(1)}};
  for (auto _ : state) benchmark::DoNotOptimize(swarmop::crds::ParseSpecs(files));
}
BENCHMARK(BM_LoadOneService)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
