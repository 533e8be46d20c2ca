// Pull mode (`swarmop run --git-url ...`): the specs of a directory of a git repository, fetched with
// libgit2 (no git binary), stored as the spec store's configs, the way Flux or Argo CD follow a branch.
//
// GitFetcher reads one revision: the commit the tracked ref points at and every *.yaml/*.yml blob under the
// tracked path of THAT commit's tree (never a work tree), named "<path>/<file>" as in the repository, so
// validation errors read "manifests/web.yaml:3:5: ...", as `swarmop validate` prints them.
//
// GitSync turns a fetched revision into stored specs:
// - the revision's files are validated against themselves and the stored specs first (SpecStore::PlanApply);
//   a revision with any error is never applied: the last good revision stays, and the state names the
//   failed commit with the errors as `validate` prints them;
// - a valid revision is stored (SpecStore::Apply) with the labels io.swarmop.source=git and
//   io.swarmop.git-revision=<commit>; every git spec the revision leaves unchanged gets the new revision
//   label too, so every spec from git names the revision that is applied;
// - a spec stored from git (source=git, owned) that the revision no longer holds is deleted (its objects
//   then go with it through the controller's loop); specs made by hand (`docker config create`) or by
//   `swarmop apply` carry no source=git label and are never pruned;
// - a name collision (the same Kind/name in git and in a hand-made config) goes to git: the newest config
//   wins in the store, and a git revision stores its version again whenever the winner is not git's, so a
//   hand-made config of a git spec is superseded within one interval (left in place, reported superseded).
// - a failed fetch (network, authentication) changes nothing and is reported; the loop retries it with
//   backoff (GitSourceLoop).
// Thread-safety: GitSync::SyncOnce from one thread at a time; State() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/load.h"
#include "swarmop/reconciler/core/clock.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/gitops/gitlab_commit_status.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::reconciler {

// Pull mode labels the specs it stores with labels::kSource = kSourceGit and labels::kGitRevision
// (core/labels.h).

struct GitCredentials {
  std::string username = "oauth2";  // HTTPS user sent with the token (GitLab: any name, oauth2 by habit)
  std::string token_file;           // HTTPS: first line is the token (a Swarm secret)
  std::string ssh_key_file;         // SSH: a private deploy key without passphrase
  std::string known_hosts_file;     // SSH: required with a key; the server's key must be listed
};

struct GitSourceOptions {
  std::string url;           // https://..., ssh://git@host/..., git@host:group/repo.git, git://...
  std::string ref = "main";  // a branch, or a full ref ("refs/tags/v1")
  std::string path;          // directory in the repository ("" or "." for the root)
  std::string cache_dir;     // where the bare repository is kept between fetches
  std::chrono::milliseconds interval{60000};
  std::chrono::milliseconds backoff_base{2000};  // after a failed fetch: 2 s, 4 s, ... capped at `interval`
  GitCredentials credentials;
  crds::LoadOptions load;  // the environment whose overrides apply
};

// "refs/heads/main" for "main"; a ref that starts with "refs/" as it is.
std::string FullRefName(const std::string& ref);

struct FetchedRevision {
  std::string commit;  // 40 hex
  std::vector<crds::SourceFile> files;
};

class GitFetcher {
 public:
  virtual ~GitFetcher() = default;
  // Fetches the tracked ref and reads its manifests. kUnavailable for network/auth/server errors,
  // kNotFound when the ref or the path does not exist in the repository.
  virtual StatusOr<FetchedRevision> Fetch() = 0;
};

// libgit2. Fails on unreadable credential files or a key without known_hosts.
StatusOr<std::unique_ptr<GitFetcher>> NewLibgit2Fetcher(const GitSourceOptions& options);

// What pull mode has done, for /api/v1/status and the logs.
struct GitSourceState {
  std::string url, ref, path;
  std::string applied_revision;  // last revision stored (empty before the first)
  std::optional<Clock::WallTime> applied_at;
  std::string fetched_revision;  // last revision fetched
  std::string failed_revision;   // last revision refused (validation), empty when none since
  std::string failed_errors;     // its errors as `swarmop validate` prints them
  std::string fetch_error;       // last fetch failure, empty after a successful fetch
  int consecutive_fetch_failures = 0;
  int fetches = 0, applies = 0, pruned = 0;  // counters since start
  std::optional<Clock::WallTime> last_fetch;
};

// {"url":..,"ref":..,"path":..,"appliedRevision":..,"appliedAt":..,"fetchedRevision":..,
//  "failedRevision":..,"failedErrors":..,"fetchError":..,"consecutiveFetchFailures":0,"fetches":..,..}
std::string ToJson(const GitSourceState& state);

class GitSync {
 public:
  // Borrows both; they must outlive it.
  GitSync(SpecStore& store, GitFetcher& fetcher, const GitSourceOptions& options, Clock& clock);

  // One fetch, then validate/store/prune as described above. Returns the fetch's or the engine's error
  // (nothing is removed then); a refused revision is not an error (it is in State()).
  Status SyncOnce();
  GitSourceState State() const;

  // Reporting back (optional, set before the first sync): a new revision is reported `running` before it
  // is stored, then `success` (stored) or `failed` (refused: the first error). Each (commit, state) once.
  void SetCommitStatus(CommitStatusSink* sink) { commit_status_ = sink; }

 private:
  Status ApplyRevision(const FetchedRevision& revision);
  void ReportCommit(const std::string& sha, CommitState state, const std::string& description);

  SpecStore& store_;
  GitFetcher& fetcher_;
  GitSourceOptions options_;
  Clock& clock_;
  mutable std::mutex mu_;
  GitSourceState state_;
  CommitStatusSink* commit_status_ = nullptr;
  std::string last_report_;  // "<sha> <state>" last sent
};

// Runs GitSync::SyncOnce every `interval`, at once on Trigger() (the webhook), and after a failure again
// after a backoff (backoff_base doubling, capped at the interval). Thread-safety: all methods.
class GitSourceLoop {
 public:
  explicit GitSourceLoop(GitSync& sync, const GitSourceOptions& options);
  ~GitSourceLoop();
  void Start();
  void Stop();     // idempotent; waits for a running sync
  void Trigger();  // fetch now (coalesced with one already asked for)
  // Called after every sync (tests, metrics); optional, set before Start.
  void OnSynced(std::function<void(const Status&)> callback) { on_synced_ = std::move(callback); }

 private:
  void Run();

  GitSync& sync_;
  GitSourceOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false, triggered_ = false;
  std::thread thread_;
  std::function<void(const Status&)> on_synced_;
};

}  // namespace swarmop::reconciler
