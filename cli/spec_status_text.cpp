#include "spec_status_text.h"

#include "swarmop/reconciler/store/spec_status.h"

namespace swarmop::cli {
namespace {

using reconciler::status_labels::kDegraded;
using reconciler::status_labels::kProgressing;
using reconciler::status_labels::kReady;
using reconciler::status_labels::kReason;

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
