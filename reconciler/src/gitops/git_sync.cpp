// GitSync: one fetched revision -> validated, stored, labelled, pruned (git_source.h).
#include <glog/logging.h>

#include <set>

#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/gitops/git_source.h"

namespace swarmop::reconciler {
namespace {

bool FromGit(const std::map<std::string, std::string>& config_labels) {
  auto it = config_labels.find(labels::kSource);
  return labels::IsOwned(config_labels) && it != config_labels.end() && it->second == labels::kSourceGit;
}

bool HasLabels(const std::map<std::string, std::string>& have,
               const std::map<std::string, std::string>& want) {
  for (const auto& [key, value] : want) {
    auto it = have.find(key);
    if (it == have.end() || it->second != value) return false;
  }
  return true;
}

std::string Short(const std::string& commit) { return commit.substr(0, 12); }

}  // namespace

GitSync::GitSync(SpecStore& store, GitFetcher& fetcher, const GitSourceOptions& options, Clock& clock)
    : store_(store), fetcher_(fetcher), options_(options), clock_(clock) {
  state_.url = options.url;
  state_.ref = options.ref;
  state_.path = options.path;
}

GitSourceState GitSync::State() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

Status GitSync::SyncOnce() {
  auto fetched = fetcher_.Fetch();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++state_.fetches;
    state_.last_fetch = clock_.WallNow();
    if (!fetched.ok()) {
      ++state_.consecutive_fetch_failures;
      state_.fetch_error = fetched.status().message();
    } else {
      state_.consecutive_fetch_failures = 0;
      state_.fetch_error.clear();
      state_.fetched_revision = fetched->commit;
    }
  }
  if (!fetched.ok()) {
    LOG(WARNING) << "git: " << fetched.status().message() << " (nothing changed; retrying with backoff)";
    return fetched.status();
  }
  return ApplyRevision(*fetched);
}

void GitSync::ReportCommit(const std::string& sha, CommitState state, const std::string& description) {
  if (commit_status_ == nullptr) return;
  const std::string key = sha + " " + CommitStateName(state);
  if (key == last_report_) return;
  Status reported = commit_status_->Report(sha, state, description);
  if (!reported.ok()) {
    LOG(WARNING) << "git: commit status " << CommitStateName(state) << " of " << Short(sha)
                 << " not reported: " << reported.message();
    return;  // tried again at the next sync
  }
  last_report_ = key;
}

Status GitSync::ApplyRevision(const FetchedRevision& revision) {
  bool is_new = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    is_new = state_.applied_revision != revision.commit && state_.failed_revision != revision.commit;
  }
  if (is_new)
    ReportCommit(revision.commit, CommitState::kRunning, "swarmop is validating and storing this revision");
  const std::map<std::string, std::string> git_labels = {{labels::kSource, labels::kSourceGit},
                                                         {labels::kGitRevision, revision.commit}};
  auto applied = store_.Apply(revision.files, options_.load, git_labels);
  if (!applied.ok()) return applied.status().WithContext("storing revision " + Short(revision.commit));
  if (!applied->plan.ok()) {
    const std::string errors = crds::FormatDiagnostics(applied->plan.errors);
    bool first_time = false;
    std::string still_at;
    {
      std::lock_guard<std::mutex> lock(mu_);
      first_time = state_.failed_revision != revision.commit;
      state_.failed_revision = revision.commit;
      state_.failed_errors = errors;
      still_at = state_.applied_revision.empty() ? "no revision" : Short(state_.applied_revision);
    }
    const std::string first_error =
        applied->plan.errors.empty() ? std::string("invalid") : applied->plan.errors.front().ToString();
    ReportCommit(revision.commit, CommitState::kFailed, "refused, nothing applied: " + first_error);
    if (first_time)
      LOG(ERROR) << "git: revision " << revision.commit << " refused, nothing stored (still at " << still_at
                 << "):\n"
                 << errors;
    return Status::Ok();
  }

  // Every spec of the revision names it; then what git no longer holds goes.
  std::set<std::pair<crds::Kind, std::string>> in_revision;
  for (const SpecWrite& write : applied->plan.writes) in_revision.insert({write.kind, write.name});
  auto stored = store_.Load();
  if (!stored.ok()) return stored.status().WithContext("reading the specs after storing");
  int pruned = 0;
  for (const StoredSpec& spec : stored->specs) {
    if (!spec.owned) continue;
    const bool in_git = in_revision.count({spec.kind, spec.name}) > 0;
    if (in_git) {
      if (HasLabels(spec.labels, git_labels)) continue;  // the usual case: no inspect, no write
      Status labelled = store_.MergeOwnedLabels(spec.config_id, git_labels);
      if (!labelled.ok() && labelled.code() != Code::kNotFound) return labelled;
    } else if (FromGit(spec.labels)) {
      auto removed = store_.Delete(spec.kind, spec.name);
      if (!removed.ok() && removed.status().code() != Code::kNotFound) return removed.status();
      LOG(INFO) << "git: " << spec.Key() << " is gone from " << Short(revision.commit) << ": spec removed";
      ++pruned;
    }
  }
  ReportCommit(revision.commit, CommitState::kSuccess,
               "applied: " + std::to_string(applied->plan.writes.size()) + " specs stored, " +
                   std::to_string(pruned) + " removed");
  std::lock_guard<std::mutex> lock(mu_);
  const bool changed = state_.applied_revision != revision.commit || applied->writes > 0 || pruned > 0;
  if (changed) {
    LOG(INFO) << "git: applied " << revision.commit << " (" << applied->plan.writes.size() << " specs, "
              << applied->writes << " writes, " << pruned << " removed)";
    ++state_.applies;
    state_.applied_at = clock_.WallNow();
  }
  state_.applied_revision = revision.commit;
  state_.pruned += pruned;
  state_.failed_revision.clear();  // a good revision after a refused one: the refusal is over
  state_.failed_errors.clear();
  return Status::Ok();
}

}  // namespace swarmop::reconciler
