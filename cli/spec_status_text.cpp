#include "spec_status_text.h"

namespace swarmop::cli {
namespace {

// Label names as the controller writes them (reconciler/spec_status.h). Spelled out here because the CLI
// only reads them; the values are "True"/"False".
constexpr const char* kReady = "io.swarmop.status.ready";
constexpr const char* kProgressing = "io.swarmop.status.progressing";
constexpr const char* kDegraded = "io.swarmop.status.degraded";
constexpr const char* kReason = "io.swarmop.status.reason";

bool IsTrue(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it != labels.end() && it->second == "True";
}

}  // namespace

std::string StatusText(const std::map<std::string, std::string>& labels) {
  auto reason_it = labels.find(kReason);
  const std::string reason = reason_it == labels.end() ? "" : reason_it->second;
  auto with_reason = [&](const std::string& phase) { return reason.empty() ? phase : phase + ": " + reason; };
  // Same precedence as SpecStatus::Headline: Degraded, then Progressing, then Ready.
  if (IsTrue(labels, kDegraded)) return with_reason("Degraded");
  if (IsTrue(labels, kProgressing)) return with_reason("Progressing");
  if (IsTrue(labels, kReady)) return "Ready";
  if (labels.count(kReady) != 0) return with_reason("NotReady");
  return "-";
}

}  // namespace swarmop::cli
