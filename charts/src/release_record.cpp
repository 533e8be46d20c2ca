// Release records as Swarm configs (release.h).
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "swarmop/charts/release.h"
#include "swarmop/charts/render.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::charts {
namespace {

// The record's labels (core/labels.h keeps every io.swarmop.* key).
using reconciler::labels::kRole;
using reconciler::labels::kRoleRelease;
constexpr const char* kRevision = reconciler::labels::kReleaseRevision;
constexpr const char* kChart = reconciler::labels::kReleaseChart;
constexpr const char* kVersion = reconciler::labels::kReleaseVersion;
constexpr const char* kStatus = reconciler::labels::kReleaseStatus;

std::string Label(const engine::Config& config, const char* key) {
  auto it = config.spec.labels.find(key);
  return it == config.spec.labels.end() ? std::string() : it->second;
}

int Revision(const engine::Config& config) {
  const std::string text = Label(config, kRevision);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 9) return 0;
  return std::stoi(text);
}

ReleaseRecord FromConfig(const engine::Config& config) {
  ReleaseRecord record;
  record.release = Label(config, kReleaseLabel);
  record.chart = Label(config, kChart);
  record.version = Label(config, kVersion);
  record.revision = Revision(config);
  record.status = Label(config, kStatus);
  record.config_name = config.spec.name;
  record.updated_at = config.updated_at.empty() ? config.created_at : config.updated_at;
  const nlohmann::json data = nlohmann::json::parse(config.spec.data, nullptr, false);
  if (data.is_object()) {
    record.app_version = data.value("appVersion", "");
    if (data.contains("values")) record.values_json = data["values"].dump();
    for (const nlohmann::json& spec : data.value("specs", nlohmann::json::array()))
      if (spec.is_string()) record.specs.push_back(spec.get<std::string>());
  }
  return record;
}

// Every record config of every release (or of one), data included.
StatusOr<std::vector<engine::Config>> RecordConfigs(engine::Engine& engine, const std::string& release) {
  std::map<std::string, std::string> selector = {{kRole, kRoleRelease}};
  if (!release.empty()) selector[kReleaseLabel] = release;
  auto listed = engine.ListConfigs(engine::ListFilter::Labels(selector));
  if (!listed.ok()) return listed.status();
  std::vector<engine::Config> out;
  for (engine::Config& config : *listed) {
    // The label filter ran on the engine; be sure.
    if (Label(config, kRole) != kRoleRelease || (!release.empty() && Label(config, kReleaseLabel) != release))
      continue;
    if (config.spec.data.empty()) {
      auto inspected = engine.InspectConfig(config.id);
      if (!inspected.ok()) {
        if (inspected.status().code() == Code::kNotFound) continue;
        return inspected.status();
      }
      config = std::move(inspected).value();
    }
    out.push_back(std::move(config));
  }
  return out;
}

// The newest revision per release.
std::map<std::string, engine::Config> Newest(const std::vector<engine::Config>& configs) {
  std::map<std::string, engine::Config> newest;
  for (const engine::Config& config : configs) {
    const std::string release = Label(config, kReleaseLabel);
    auto it = newest.find(release);
    if (it == newest.end() || Revision(config) > Revision(it->second)) newest[release] = config;
  }
  return newest;
}

}  // namespace

StatusOr<std::vector<ReleaseRecord>> ListReleases(engine::Engine& engine) {
  auto configs = RecordConfigs(engine, "");
  if (!configs.ok()) return configs.status();
  std::vector<ReleaseRecord> out;
  for (const auto& [release, config] : Newest(*configs)) out.push_back(FromConfig(config));
  return out;
}

StatusOr<std::optional<ReleaseRecord>> FindRelease(engine::Engine& engine, const std::string& release) {
  auto configs = RecordConfigs(engine, release);
  if (!configs.ok()) return configs.status();
  auto newest = Newest(*configs);
  auto it = newest.find(release);
  if (it == newest.end()) return std::optional<ReleaseRecord>();
  return std::optional<ReleaseRecord>(FromConfig(it->second));
}

Status WriteRelease(engine::Engine& engine, const ReleaseRecord& record) {
  auto before = RecordConfigs(engine, record.release);
  if (!before.ok()) return before.status();
  nlohmann::json data = {{"release", record.release},   {"chart", record.chart},
                         {"version", record.version},   {"appVersion", record.app_version},
                         {"revision", record.revision}, {"status", record.status},
                         {"specs", record.specs}};
  data["values"] =
      nlohmann::json::parse(record.values_json.empty() ? "{}" : record.values_json, nullptr, false);
  engine::ConfigSpec spec;
  spec.name = "swarmop-release-" + record.release + "-v" + std::to_string(record.revision);
  spec.data = data.dump(2) + "\n";
  spec.labels = {
      {kRole, kRoleRelease},  {kReleaseLabel, record.release}, {kRevision, std::to_string(record.revision)},
      {kChart, record.chart}, {kVersion, record.version},      {kStatus, record.status}};
  auto created = engine.CreateConfig(spec);
  if (!created.ok()) return created.status().WithContext("creating release record " + spec.name);
  for (const engine::Config& old : *before) {
    if (old.spec.name == spec.name) continue;
    Status removed = engine.RemoveConfig(old.id);
    if (!removed.ok() && removed.code() != Code::kNotFound)
      return removed.WithContext("removing old release record " + old.spec.name);
  }
  return Status::Ok();
}

Status SetReleaseStatus(engine::Engine& engine, const std::string& release, const std::string& status) {
  auto configs = RecordConfigs(engine, release);
  if (!configs.ok()) return configs.status();
  auto newest = Newest(*configs);
  auto it = newest.find(release);
  if (it == newest.end()) return NotFoundError("no release " + release);
  engine::ConfigSpec spec = it->second.spec;
  spec.labels[kStatus] = status;
  return engine.UpdateConfig(it->second.id, it->second.version, spec);
}

Status RemoveRelease(engine::Engine& engine, const std::string& release) {
  auto configs = RecordConfigs(engine, release);
  if (!configs.ok()) return configs.status();
  for (const engine::Config& config : *configs) {
    Status removed = engine.RemoveConfig(config.id);
    if (!removed.ok() && removed.code() != Code::kNotFound)
      return removed.WithContext("removing release record " + config.spec.name);
  }
  return Status::Ok();
}

}  // namespace swarmop::charts
