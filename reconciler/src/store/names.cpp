// Naming and small value helpers of the spec store: kind names, config names, keys, summaries.
#include <algorithm>
#include <cctype>

#include "swarmop/crds/canonical.h"
#include "swarmop/crds/naming.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {
namespace {

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string KeyOf(crds::Kind kind, const std::string& name) {
  return std::string(crds::KindName(kind)) + "/" + name;
}

}  // namespace

std::optional<crds::Kind> ParseKindName(std::string_view text) {
  const std::string kind = Lowercase(text);
  if (kind == "site" || kind == "sites") return crds::Kind::kSite;
  if (kind == "service" || kind == "services" || kind == "svc") return crds::Kind::kService;
  if (kind == "replication" || kind == "replications" || kind == "repl") return crds::Kind::kReplication;
  return std::nullopt;
}

std::string SpecConfigName(crds::Kind kind, const std::string& name, const std::string& content_hash) {
  const std::string prefix = "swarmop-" + Lowercase(crds::KindName(kind)) + "-";
  const std::string suffix = "-" + content_hash.substr(0, 10);
  const size_t room = crds::kMaxSwarmConfigName - prefix.size() - suffix.size();
  std::string middle = name.substr(0, room);
  // A shortened DNS label may end in '-'; "--" before the hash would still be a valid name, but reads badly.
  while (!middle.empty() && middle.back() == '-') middle.pop_back();
  return prefix + middle + suffix;
}

std::string StoredContentHash(const crds::ObjectBase& object) {
  return crds::Sha256Hex(crds::ToCanonicalYaml(object));
}

std::string StoredSpec::Key() const { return KeyOf(kind, name); }
std::string SpecWrite::Key() const { return KeyOf(kind, name); }

std::string SpecWrite::Summary() const {
  std::string text = Key();
  switch (action) {
    case Action::kCreate:
    case Action::kUpdate:
      text += " stored (config " + config_name + ")";
      break;
    case Action::kUnchanged:
      text += " unchanged (config " + config_name + ")";
      break;
  }
  return text;
}

const StoredSpec* StoreContents::Find(crds::Kind kind, const std::string& name) const {
  for (const StoredSpec& spec : specs) {
    if (spec.kind == kind && spec.name == name) return &spec;
  }
  return nullptr;
}

bool ApplySpecsPlan::changes_anything() const {
  return std::any_of(writes.begin(), writes.end(), [](const SpecWrite& w) {
    return w.action != SpecWrite::Action::kUnchanged || !w.remove_configs.empty();
  });
}

}  // namespace swarmop::reconciler
