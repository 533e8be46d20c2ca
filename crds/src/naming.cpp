#include "swarmop/crds/naming.h"

namespace swarmop::crds {

std::string SwarmServiceName(std::string_view object_name, std::string_view site_name) {
  return std::string(object_name) + "-" + std::string(site_name);
}

bool IsValidObjectName(std::string_view name) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.empty() || name.size() > kMaxNameLength) return false;
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace swarmop::crds
