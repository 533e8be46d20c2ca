#include "swarmop/engine/filters.h"

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "query.h"

namespace swarmop::engine {

ListFilter ListFilter::Labels(const std::map<std::string, std::string>& labels) {
  ListFilter filter;
  for (const auto& [key, value] : labels) filter.labels.push_back(key + "=" + value);
  return filter;
}

ListFilter ListFilter::Name(std::string name) {
  ListFilter filter;
  filter.name = std::move(name);
  return filter;
}

std::string FiltersParam(const FilterMap& filters) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [key, values] : filters) {
    if (!values.empty()) json[key] = values;
  }
  if (json.empty()) return "";
  return "filters=" + UrlEncode(json.dump());
}

FilterMap ToFilterMap(const ListFilter& filter) {
  FilterMap map;
  if (!filter.labels.empty()) map["label"] = filter.labels;
  if (filter.name) map["name"] = {*filter.name};
  return map;
}

std::string UnixNanoToTimestamp(int64_t unix_nano) {
  char text[48];
  std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(unix_nano / 1000000000),
                static_cast<long long>(unix_nano % 1000000000));
  return text;
}

}  // namespace swarmop::engine
