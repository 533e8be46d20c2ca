// The tables behind ActualCache (private to it): one per object type, by ID, with a name index and an owner
// index of swarmop-owned objects. Every change carries a sequence number so that a listing which started
// before a change (Replace) never undoes it. Callers hold CacheState::mu.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "swarmop/reconciler/cache/actual_cache.h"
#include "swarmop/reconciler/core/labels.h"

namespace swarmop::reconciler::internal {

inline const std::string& NameOf(const engine::Service& s) { return s.spec.name; }
inline const std::string& NameOf(const engine::Config& c) { return c.spec.name; }
inline const std::string& NameOf(const engine::Secret& s) { return s.spec.name; }
inline const std::string& NameOf(const engine::Network& n) { return n.name; }
inline const engine::Labels& LabelsOf(const engine::Service& s) { return s.spec.labels; }
inline const engine::Labels& LabelsOf(const engine::Config& c) { return c.spec.labels; }
inline const engine::Labels& LabelsOf(const engine::Secret& s) { return s.spec.labels; }
inline const engine::Labels& LabelsOf(const engine::Network& n) { return n.labels; }
inline uint64_t VersionOf(const engine::Service& s) { return s.version; }
inline uint64_t VersionOf(const engine::Config& c) { return c.version; }
inline uint64_t VersionOf(const engine::Secret& s) { return s.version; }
inline uint64_t VersionOf(const engine::Network&) { return 0; }

// An inspect carries no task counts: keep the listed ones while the service's version is unchanged.
// Answers whether `fresh` took counts it lacked.
inline bool KeepStatus(const engine::Service& old, engine::Service& fresh) {
  if (fresh.service_status || old.version != fresh.version || !old.service_status) return false;
  fresh.service_status = old.service_status;
  return true;
}
template <typename T>
bool KeepStatus(const T&, T&) {
  return false;
}

inline bool SameCounts(const std::optional<engine::ServiceStatus>& a,
                       const std::optional<engine::ServiceStatus>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return a->running_tasks == b->running_tasks && a->desired_tasks == b->desired_tasks &&
         a->completed_tasks == b->completed_tasks;
}

// Whether `fresh` (a read of the object `held` is) tells a plan anything `held` does not: another version,
// or for a service other task counts.
inline bool Differs(const engine::Service& held, const engine::Service& fresh) {
  return held.version != fresh.version || !SameCounts(held.service_status, fresh.service_status);
}
template <typename T>
bool Differs(const T& held, const T& fresh) {
  return VersionOf(held) != VersionOf(fresh);
}

// A listing's entry for an object the table holds at the same version: only a service's task counts (the
// list computes them; they are not part of the version) can differ. Those are taken; the rest of the entry
// is left as it is, so a steady resync rebuilds nothing. Answers whether the counts changed.
inline bool TakeListedStatus(engine::Service& held, engine::Service& listed) {
  if (!listed.service_status || SameCounts(held.service_status, listed.service_status)) return false;
  held.service_status = *listed.service_status;
  return true;
}
template <typename T>
bool TakeListedStatus(T&, T&) {
  return false;
}

inline bool IsSpecStoreObject(const engine::Labels& object_labels) {
  auto it = object_labels.find(labels::kRole);
  return it != object_labels.end() && it->second == labels::kRoleSpec;
}

// A stored spec's config is kept for its ownership and role labels only: the spec cache reads its data and
// status labels from its own listing and a plan never reads them, so neither its data, its raw spec (the
// data again, in base64) nor its status labels are kept. They are most of the cache's size.
inline void Slim(engine::Config& config) {
  if (!IsSpecStoreObject(config.spec.labels)) return;
  std::string().swap(config.spec.data);
  std::string().swap(config.spec.raw_spec);
  std::erase_if(config.spec.labels,
                [](const auto& label) { return label.first.starts_with(status_labels::kPrefix); });
}
// A service's raw spec (its Spec JSON as read) is not kept: a plan reads the typed fields, and an update
// re-reads the service first and merges over that read's raw spec (apply.cpp).
inline void Slim(engine::Service& service) { std::string().swap(service.spec.raw_spec); }
template <typename T>
void Slim(T&) {}

// The owner named by an owned object's labels.
inline std::optional<Request> OwnerFromLabels(const engine::Labels& object_labels) {
  if (!labels::IsOwned(object_labels)) return std::nullopt;
  auto kind = object_labels.find(labels::kOwnerKind);
  auto name = object_labels.find(labels::kOwnerName);
  if (kind == object_labels.end() || name == object_labels.end()) return std::nullopt;
  return Request{kind->second, name->second};
}

template <typename T>
struct Table {
  struct Entry {
    T value;
    uint64_t seq = 0;     // when it was last put
    uint64_t listed = 0;  // the last Replace whose listing held it
  };
  std::map<std::string, Entry> by_id;
  std::map<std::string, std::string> id_by_name;
  std::map<Request, std::set<std::string>> by_owner;  // owned objects' IDs per owner
  std::map<std::string, uint64_t> forgotten;          // ID -> when, since the last Replace
  // Counts every change a plan could read (an object added, removed, at another version, other task
  // counts); stored specs' configs are left out: their labels change with every status write, and the spec
  // cache, not a plan, reads them. Equal counts: every plan from the table would read the same.
  uint64_t changes = 0;

  const T* FindName(const std::string& name) const {
    auto id = id_by_name.find(name);
    if (id == id_by_name.end()) return nullptr;
    auto it = by_id.find(id->second);
    return it == by_id.end() ? nullptr : &it->second.value;
  }

  LearnedEvent OwnerOf(const std::string& id) const {
    auto it = by_id.find(id);
    if (it == by_id.end()) return {};
    const engine::Labels& l = LabelsOf(it->second.value);
    auto owner = OwnerFromLabels(l);
    return LearnedEvent{owner, owner.has_value() && !IsSpecStoreObject(l)};
  }

  // A stored spec (role=spec): the spec cache reads those, a plan never does.
  bool IsSpec(const std::string& id) const {
    auto it = by_id.find(id);
    return it != by_id.end() && IsSpecStoreObject(LabelsOf(it->second.value));
  }

  // Stores a read of an object unless the table holds a newer version of it.
  void Put(T value, uint64_t seq) {
    Slim(value);
    auto it = by_id.find(value.id);
    bool changed;
    if (it != by_id.end()) {
      if (VersionOf(it->second.value) > VersionOf(value)) return;
      KeepStatus(it->second.value, value);
      changed = Differs(it->second.value, value) &&
                !(IsSpecStoreObject(LabelsOf(value)) && IsSpecStoreObject(LabelsOf(it->second.value)));
      Unindex(it->first, it->second.value);
    } else {
      changed = !IsSpecStoreObject(LabelsOf(value));
    }
    if (changed) ++changes;
    // Names are unique in a swarm: an object of the same name under another ID is gone (a replace).
    auto same_name = id_by_name.find(NameOf(value));
    if (same_name != id_by_name.end() && same_name->second != value.id) Erase(same_name->second, seq);
    forgotten.erase(value.id);
    std::string id = value.id;
    Index(id, value);
    by_id[id] = Entry{std::move(value), seq};
  }

  void Erase(const std::string& id, uint64_t seq) {
    forgotten[id] = seq;
    auto it = by_id.find(id);
    if (it == by_id.end()) return;
    if (!IsSpecStoreObject(LabelsOf(it->second.value))) ++changes;
    Unindex(id, it->second.value);
    by_id.erase(it);
  }

  void EraseName(const std::string& name, uint64_t seq) {
    auto id = id_by_name.find(name);
    if (id != id_by_name.end()) Erase(std::string(id->second), seq);
  }

  // The contents of a listing that started at `start`; what was learned or forgotten after it stays so.
  // In place: an object held at the listed version keeps its entry (a steady resync of thousands of objects
  // reallocates none of them); what the listing no longer holds is dropped.
  void Replace(std::vector<T> listed, uint64_t start, uint64_t seq) {
    for (T& value : listed) {
      auto gone = forgotten.find(value.id);
      if (gone != forgotten.end() && gone->second > start) continue;  // removed while the listing ran
      auto it = by_id.find(value.id);
      if (it != by_id.end() && VersionOf(it->second.value) >= VersionOf(value)) {
        // Held at this version (or newer, learned while the listing ran): keep the entry. Task counts read
        // after the listing started (RefreshStatus) are newer than the listing's.
        if (it->second.seq > start) {
          if (KeepStatus(value, it->second.value)) ++changes;
        } else if (VersionOf(it->second.value) == VersionOf(value)) {
          if (TakeListedStatus(it->second.value, value)) ++changes;
        }
        it->second.listed = seq;
        continue;
      }
      std::string id = value.id;
      Put(std::move(value), seq);
      auto put = by_id.find(id);
      if (put != by_id.end()) put->second.listed = seq;
    }
    // Not in the listing and not learned since it started: gone from the swarm.
    std::vector<std::string> unlisted;
    for (const auto& [id, entry] : by_id) {
      if (entry.listed != seq && entry.seq <= start) unlisted.push_back(id);
    }
    for (const std::string& id : unlisted) Erase(id, seq);
    forgotten.clear();
  }

  void IndexInto(std::map<std::string, Request>& out) const {
    for (const auto& [owner, ids] : by_owner) {
      for (const std::string& id : ids) out[NameOf(by_id.at(id).value)] = owner;
    }
  }

 private:
  void Index(const std::string& id, const T& value) {
    id_by_name[NameOf(value)] = id;
    if (auto owner = OwnerFromLabels(LabelsOf(value))) by_owner[*owner].insert(id);
  }
  void Unindex(const std::string& id, const T& value) {
    auto name = id_by_name.find(NameOf(value));
    if (name != id_by_name.end() && name->second == id) id_by_name.erase(name);
    if (auto owner = OwnerFromLabels(LabelsOf(value))) {
      auto it = by_owner.find(*owner);
      if (it != by_owner.end()) {
        it->second.erase(id);
        if (it->second.empty()) by_owner.erase(it);
      }
    }
  }
};

struct CacheState {
  mutable std::mutex mu;
  uint64_t seq = 0;
  bool filled = false;
  Table<engine::Service> services;
  Table<engine::Config> configs;
  Table<engine::Network> networks;
  Table<engine::Secret> secrets;

  uint64_t Changes() const { return services.changes + configs.changes + networks.changes + secrets.changes; }
};

ActualState GatherFromTables(const CacheState& state, const RenderedState& desired, const GatherScope& scope);

}  // namespace swarmop::reconciler::internal
