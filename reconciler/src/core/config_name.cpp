// Content-addressed config names: the content's hash is in the name, so new content means a new config
// (configs are immutable) and the old one can be garbage-collected once no service references it.
#include <algorithm>
#include <cctype>

#include "render_internal.h"
#include "swarmop/crds/canonical.h"
#include "swarmop/crds/naming.h"
#include "swarmop/reconciler/core/render.h"

namespace swarmop::reconciler {
namespace {

// Swarm config names allow [a-zA-Z0-9-_.]; anything else becomes '-'.
std::string Sanitize(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += ok ? c : '-';
  }
  return out;
}

}  // namespace

std::string ContentConfigName(const std::string& service, const std::string& file_name,
                              const std::string& content) {
  std::string hash = crds::Sha256Hex(content).substr(0, 12);
  std::string file = Sanitize(file_name);
  size_t fixed = service.size() + 1 + 1 + hash.size();
  size_t room = fixed < crds::kMaxSwarmConfigName ? crds::kMaxSwarmConfigName - fixed : 0;
  if (file.size() > room) file.resize(room);  // the hash keeps the name unique
  if (file.empty()) return service + "-" + hash;
  return service + "-" + file + "-" + hash;
}

std::string AddContentConfig(const Owner& owner, const std::string& file_name, const std::string& content,
                             RenderedState& out) {
  std::string name = ContentConfigName(owner.name, file_name, content);
  bool known = std::any_of(out.configs.begin(), out.configs.end(),
                           [&](const DesiredConfig& c) { return c.spec.name == name; });
  if (!known) {
    DesiredConfig config;
    config.owner = owner;
    config.spec.name = name;
    config.spec.data = content;
    config.spec.labels = OwnedLabels(owner, "", "");
    out.configs.push_back(std::move(config));
  }
  return name;
}

}  // namespace swarmop::reconciler
