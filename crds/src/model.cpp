#include "swarmop/crds/model.h"

#include <algorithm>
#include <cstring>

namespace swarmop::crds {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kSite:
      return "Site";
    case Kind::kService:
      return "Service";
    case Kind::kReplication:
      return "Replication";
  }
  return "?";
}

const char* ProfileName(Profile profile) {
  switch (profile) {
    case Profile::kGeneric:
      return "generic";
    case Profile::kDjangoApi:
      return "django-api";
    case Profile::kFrontend:
      return "frontend";
    case Profile::kKong:
      return "kong";
    case Profile::kLogstash:
      return "logstash";
    case Profile::kPrometheus:
      return "prometheus";
  }
  return "generic";
}

namespace {

template <typename T>
void Pack(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T Unpack(std::string_view in, size_t at) {
  T value;
  std::memcpy(&value, in.data() + at, sizeof value);
  return value;
}

}  // namespace

FieldPositions::FieldPositions(const std::map<std::string, Position>& positions) : count_(positions.size()) {
  size_t bytes = 0;
  for (const auto& [pointer, position] : positions) bytes += pointer.size() + 3 * sizeof(uint32_t);
  packed_.reserve(bytes);
  for (const auto& [pointer, position] : positions) {
    Pack(packed_, static_cast<uint32_t>(pointer.size()));
    packed_.append(pointer);
    Pack(packed_, static_cast<int32_t>(position.line));
    Pack(packed_, static_cast<int32_t>(position.column));
  }
}

std::optional<Position> FieldPositions::Find(std::string_view pointer) const {
  std::string_view packed = packed_;
  for (size_t at = 0; at < packed.size();) {
    const size_t length = Unpack<uint32_t>(packed, at);
    at += sizeof(uint32_t);
    const size_t numbers = at + length;
    if (packed.substr(at, length) == pointer) {
      return Position{Unpack<int32_t>(packed, numbers), Unpack<int32_t>(packed, numbers + sizeof(int32_t))};
    }
    at = numbers + 2 * sizeof(int32_t);
  }
  return std::nullopt;
}

const std::string& ObjectBase::CanonicalJson() const {
  static const std::string kNone;
  return canonical_json ? *canonical_json : kNone;
}

Position ObjectBase::PositionOf(std::string_view json_pointer) const {
  std::string pointer(json_pointer);
  while (true) {
    if (field_positions) {
      std::optional<Position> at = field_positions->Find(pointer);
      if (at && at->line > 0) return *at;
    }
    if (pointer.empty()) return position;
    pointer.resize(pointer.rfind('/'));
  }
}

namespace {
template <typename T>
const T* FindByName(const std::vector<T>& objects, std::string_view name) {
  auto it = std::find_if(objects.begin(), objects.end(), [&](const T& o) { return o.name() == name; });
  return it == objects.end() ? nullptr : &*it;
}
}  // namespace

const Site* DesiredState::FindSite(std::string_view name) const { return FindByName(sites, name); }
const Service* DesiredState::FindService(std::string_view name) const { return FindByName(services, name); }
const Replication* DesiredState::FindReplication(std::string_view name) const {
  return FindByName(replications, name);
}

}  // namespace swarmop::crds
