// Building Engine API query strings. Internal to engine-client.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "swarmop/base/url_encode.h"
#include "swarmop/engine/filters.h"

namespace swarmop::engine {

using swarmop::UrlEncode;  // base/url_encode.h

// "filters=<url-encoded {"label":["a=b"],"name":["web"]}>", or "" when there is no filter.
using FilterMap = std::map<std::string, std::vector<std::string>>;
std::string FiltersParam(const FilterMap& filters);

// The engine-side part of a ListFilter: labels, plus the name as a (prefix) pre-filter.
FilterMap ToFilterMap(const ListFilter& filter);

// "1700000000.123456789" for the events `since` parameter.
std::string UnixNanoToTimestamp(int64_t unix_nano);

// The name filter is a prefix match on the engine: keep only exact names.
template <typename T, typename NameOf>
std::vector<T> KeepExactName(std::vector<T> items, const ListFilter& filter, NameOf name_of) {
  if (!filter.name) return items;
  std::vector<T> kept;
  for (auto& item : items) {
    if (name_of(item) == *filter.name) kept.push_back(std::move(item));
  }
  return kept;
}

}  // namespace swarmop::engine
