// FakeConfigs: an Engine whose configs live in memory, with the engine's rules the spec store meets:
// names unique (409), updates labels-only with the version as read (stale: out of sequence), CreatedAt
// strictly increasing with Go's trimmed fractions. Every other Engine call is a GMock default (unused).
#pragma once

#include <gmock/gmock.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "swarmop/engine/testing/mock_engine.h"

namespace swarmop::reconciler::testing {

class FakeConfigs : public ::testing::NiceMock<engine::testing::MockEngine> {
 public:
  // Adds a config as a user would (`docker config create`), without counting it as a write.
  std::string AddConfig(const std::string& name, const std::string& data,
                        const std::map<std::string, std::string>& labels = {}) {
    engine::Config config;
    config.id = "cfg" + std::to_string(++next_id_);
    config.version = ++index_;
    config.created_at = NextTime();
    config.updated_at = config.created_at;
    config.spec.name = name;
    config.spec.data = data;
    config.spec.labels = labels;
    configs_[config.id] = config;
    return config.id;
  }

  // The next UpdateConfig calls fail with "update out of sequence", as if another writer came first.
  void FailUpdatesOutOfSequence(int count) { out_of_sequence_ = count; }
  // ListConfigs leaves Data out (as some engines might), forcing inspects.
  void ListWithoutData() { list_without_data_ = true; }

  std::vector<std::string> writes;  // "create NAME", "update NAME", "remove NAME"
  int inspects = 0;

  std::vector<engine::Config> All() const {
    std::vector<engine::Config> out;
    for (const auto& [id, config] : configs_) out.push_back(config);
    return out;
  }
  const engine::Config* ByName(const std::string& name) const {
    for (const auto& [id, config] : configs_) {
      if (config.spec.name == name) return &config;
    }
    return nullptr;
  }

  StatusOr<std::vector<engine::Config>> ListConfigs(const engine::ListFilter&) override {
    std::vector<engine::Config> out = All();
    if (list_without_data_) {
      for (engine::Config& c : out) c.spec.data.clear();
    }
    return out;
  }
  StatusOr<engine::Config> InspectConfig(const std::string& id_or_name) override {
    ++inspects;
    engine::Config* config = Find(id_or_name);
    if (config == nullptr) return NotFoundError("config " + id_or_name + " not found");
    return *config;
  }
  StatusOr<std::string> CreateConfig(const engine::ConfigSpec& spec) override {
    if (ByName(spec.name) != nullptr) return ConflictError("config " + spec.name + " already exists");
    writes.push_back("create " + spec.name);
    return AddConfig(spec.name, spec.data, spec.labels);
  }
  Status UpdateConfig(const std::string& id, uint64_t version, const engine::ConfigSpec& spec) override {
    engine::Config* config = Find(id);
    if (config == nullptr) return NotFoundError("config " + id + " not found");
    if (out_of_sequence_ > 0) {
      --out_of_sequence_;
      config->version = ++index_;  // the other writer's update
      return AbortedError("update out of sequence");
    }
    if (version != config->version) return AbortedError("update out of sequence");
    writes.push_back("update " + config->spec.name);
    config->spec.labels = spec.labels;
    config->version = ++index_;
    return Status::Ok();
  }
  Status RemoveConfig(const std::string& id_or_name) override {
    engine::Config* config = Find(id_or_name);
    if (config == nullptr) return NotFoundError("config " + id_or_name + " not found");
    writes.push_back("remove " + config->spec.name);
    configs_.erase(config->id);
    return Status::Ok();
  }

 private:
  engine::Config* Find(const std::string& id_or_name) {
    for (auto& [id, config] : configs_) {
      if (id == id_or_name || config.spec.name == id_or_name) return &config;
    }
    return nullptr;
  }
  // One second apart, with fractions of varying length: "…:01.5Z" is later than "…:00.123456789Z", which
  // a plain string comparison gets wrong.
  std::string NextTime() {
    ++clock_;
    static const char* kFractions[] = {".123456789", ".5", "", ".25"};
    char text[64];
    std::snprintf(text, sizeof text, "2026-11-27T06:%02d:%02d%sZ", clock_ / 60, clock_ % 60,
                  kFractions[clock_ % 4]);
    return text;
  }

  std::map<std::string, engine::Config> configs_;
  int next_id_ = 0;
  uint64_t index_ = 100;
  int clock_ = 0;
  int out_of_sequence_ = 0;
  bool list_without_data_ = false;
};

}  // namespace swarmop::reconciler::testing
