// LoadSpecs / ParseSpecs: YAML -> JSON (with positions) -> schema -> environment + defaults -> model.
#include "swarmop/crds/load.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "defaults.h"
#include "environments.h"
#include "model_from_json.h"
#include "object_checks.h"
#include "schema_messages.h"
#include "schema_validator.h"
#include "swarmop/crds/canonical.h"
#include "yaml_to_json.h"

namespace swarmop::crds {
namespace {

using internal::JsonDocument;
using nlohmann::json;

std::string StringMember(const json& doc, const char* a, const char* b = nullptr) {
  if (!doc.is_object() || !doc.contains(a)) return "";
  const json& v = b ? (doc[a].is_object() && doc[a].contains(b) ? doc[a][b] : json()) : doc[a];
  return v.is_string() ? v.get<std::string>() : "";
}

// A kind or name as shown in every diagnostic of its document: a hostile one can be megabytes long.
std::string Shown(std::string text) {
  constexpr size_t kMax = 64;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

class DocumentLoader {
 public:
  DocumentLoader(const std::string& file, JsonDocument& doc, const LoadOptions& options, LoadResult& result)
      : file_(file), doc_(doc), options_(options), result_(result) {
    kind_name_ = Shown(StringMember(doc.value, "kind"));
    name_ = Shown(StringMember(doc.value, "metadata", "name"));
  }

  void Load() {
    if (!doc_.value.is_object()) {
      Error("", false, "a manifest must be a mapping with apiVersion, kind, metadata and spec");
      return;
    }
    std::optional<Kind> kind = CheckHeader();
    if (!kind) return;
    size_t before = result_.errors.size();
    for (Diagnostic& d : doc_.problems) AddError(std::move(d));
    ValidateSchema(*kind);
    if (result_.errors.size() == before) BuildObject(*kind);
    if (result_.errors.size() != before && !name_.empty()) result_.rejected.push_back({*kind, name_});
  }

 private:
  std::optional<Kind> CheckHeader() {
    const json& v = doc_.value;
    bool ok = true;
    if (!v.contains("apiVersion")) {
      ok = false, Error("apiVersion", true, "required field is missing (apiVersion: swarmop.io/v1alpha1)");
    } else if (v["apiVersion"] != kApiVersion) {
      ok = false, Error("apiVersion", false,
                        "must be swarmop.io/v1alpha1, got " + internal::DescribeValue(v["apiVersion"]));
    }
    std::optional<Kind> kind;
    for (Kind k : {Kind::kSite, Kind::kService, Kind::kReplication}) {
      if (kind_name_ == KindName(k)) kind = k;
    }
    if (!v.contains("kind")) {
      Error("kind", true, "required field is missing (one of Site, Service, Replication)");
    } else if (!kind) {
      Error("kind", false, Shown(v["kind"].dump()) + " is not one of Site, Service, Replication");
    }
    return ok ? kind : std::nullopt;
  }

  void ValidateSchema(Kind kind) {
    const json& schema = internal::OpenApiSchema(kind);
    auto violations = internal::ValidateAgainstSchema(kind, doc_.value);
    for (const internal::PhrasedError& e : internal::PhraseViolations(schema, doc_.value, violations)) {
      internal::FieldPath at = e.path;
      if (e.at_parent && !at.empty()) at.pop_back();
      Position p = PositionOf(internal::ToJsonPointer(at));
      AddError({file_, p.line, p.column, kind_name_, name_, internal::ToDotted(e.path), e.message});
    }
  }

  void BuildObject(Kind kind) {
    json doc = doc_.value;
    doc.erase("status");
    if (kind == Kind::kService) internal::ApplyEnvironment(options_.environment, doc);
    internal::ApplySchemaDefaults(internal::OpenApiSchema(kind), doc);
    switch (kind) {
      case Kind::kSite:
        Finish(result_.state.sites, doc, internal::SiteSpecFromJson, internal::CheckSite);
        break;
      case Kind::kService:
        Finish(result_.state.services, doc, internal::ServiceSpecFromJson, internal::CheckService);
        break;
      case Kind::kReplication:
        Finish(result_.state.replications, doc, internal::ReplicationSpecFromJson,
               internal::CheckReplication);
        break;
    }
  }

  template <typename T, typename SpecFn, typename CheckFn>
  void Finish(std::vector<T>& into, const json& doc, SpecFn spec_from_json, CheckFn check) {
    T object;
    object.metadata = internal::MetaFromJson(doc["metadata"]);
    object.spec = spec_from_json(doc["spec"]);
    object.canonical_json = std::make_shared<const std::string>(doc.dump());
    object.hash = Sha256Hex(doc["spec"].dump());
    object.source_file = file_;
    object.position = doc_.positions[""];
    object.field_positions = std::make_shared<const FieldPositions>(doc_.positions);
    std::vector<Diagnostic> problems = check(object);
    if (!problems.empty()) {
      for (Diagnostic& d : problems) AddError(std::move(d));
      return;
    }
    into.push_back(std::move(object));
  }

  Position PositionOf(std::string pointer) const {
    while (true) {
      auto it = doc_.positions.find(pointer);
      if (it != doc_.positions.end() && it->second.line > 0) return it->second;
      if (pointer.empty()) return {};
      pointer.resize(pointer.rfind('/'));
    }
  }

  // `at_parent`: the field is absent; point at the document.
  void Error(const std::string& field, bool at_parent, std::string message) {
    Position p = PositionOf(at_parent ? "" : "/" + field);
    AddError({file_, p.line, p.column, kind_name_, name_, field, std::move(message)});
  }

  void AddError(Diagnostic d) {
    if (d.kind.empty()) d.kind = kind_name_;
    if (d.name.empty()) d.name = name_;
    result_.errors.push_back(std::move(d));
  }

  const std::string& file_;
  JsonDocument& doc_;
  const LoadOptions& options_;
  LoadResult& result_;
  std::string kind_name_;
  std::string name_;
};

void SortDiagnostics(std::vector<Diagnostic>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
}

void ParseRange(const std::vector<SourceFile>& files, size_t begin, size_t end, const LoadOptions& options,
                LoadResult& result) {
  for (size_t i = begin; i < end; ++i) {
    internal::YamlParseResult parsed =
        internal::ParseYaml(files[i].path, files[i].content, options.limits, files[i].original_size);
    for (Diagnostic& d : parsed.errors) result.errors.push_back(std::move(d));
    for (JsonDocument& doc : parsed.documents) DocumentLoader(files[i].path, doc, options, result).Load();
  }
}

template <typename T>
void Append(std::vector<T>& into, std::vector<T>& from) {
  into.insert(into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// Documents are independent until the cross-reference checks, and yaml-cpp dominates the cost: large sets
// are parsed on a few threads, each on a contiguous range of files, then merged in file order.
size_t WorkerCount(size_t files) {
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp<size_t>(files / 64, 1, std::min<size_t>(cores, 8));
}

}  // namespace

LoadResult ParseSpecs(const std::vector<SourceFile>& files, const LoadOptions& options) {
  size_t workers = WorkerCount(files.size());
  std::vector<LoadResult> parts(workers);
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) {
    size_t begin = files.size() * w / workers, end = files.size() * (w + 1) / workers;
    if (w + 1 == workers) {
      ParseRange(files, begin, end, options, parts[w]);  // the calling thread takes the last range
    } else {
      threads.emplace_back(ParseRange, std::cref(files), begin, end, std::cref(options), std::ref(parts[w]));
    }
  }
  for (std::thread& t : threads) t.join();
  LoadResult result;
  for (LoadResult& part : parts) {
    Append(result.errors, part.errors);
    Append(result.state.sites, part.state.sites);
    Append(result.state.services, part.state.services);
    Append(result.state.replications, part.state.replications);
    Append(result.rejected, part.rejected);
  }
  SortDiagnostics(result.errors);
  return result;
}

LoadResult ParseConfigSpec(std::string_view config_name, std::string content, const LoadOptions& options) {
  SourceFile source = ConfigSource(config_name, std::move(content));
  LoadResult result;
  internal::YamlParseResult parsed = internal::ParseYaml(source.path, source.content, options.limits);
  result.errors = std::move(parsed.errors);
  if (result.errors.empty() && parsed.documents.size() != 1) {
    Position at = parsed.documents.empty() ? Position{1, 1} : parsed.documents[1].positions[""];
    result.errors.push_back(
        {source.path, at.line, at.column, "", "", "",
         "a swarmop config holds exactly one manifest, found " + std::to_string(parsed.documents.size())});
    return result;
  }
  for (JsonDocument& doc : parsed.documents) DocumentLoader(source.path, doc, options, result).Load();
  return result;
}

LoadResult LoadSpecs(const std::vector<SourceFile>& files, const LoadOptions& options) {
  LoadResult result = ParseSpecs(files, options);
  std::vector<Diagnostic> cross = CheckCrossReferences(result.state, result.rejected);
  result.errors.insert(result.errors.end(), cross.begin(), cross.end());
  SortDiagnostics(result.errors);
  return result;
}

}  // namespace swarmop::crds
