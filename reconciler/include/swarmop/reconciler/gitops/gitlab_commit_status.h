// Reporting back: pull mode sets the status of the commit it applies on GitLab
// (POST /api/v4/projects/:id/statuses/:sha, GitLab's Commits API), so the commit, its merge request and
// its pipeline page show "swarmop: running / success / failed" with a description and a link.
//
// The design named cpprestsdk's client for this; the listener already dropped cpprestsdk for Boost.Beast
// (no limits, slow to compile), and Beast's client is already in the build: one synchronous request per
// report over HTTP or HTTPS (OpenSSL, the system's CA store, host name checked), 10 s at most. A failed
// report is logged and dropped: GitLab being unreachable never stops or slows down a sync more than that.
// Thread-safety: Report from one thread at a time (the git loop).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "swarmop/base/status.h"

namespace swarmop::reconciler {

enum class CommitState { kRunning, kSuccess, kFailed };
const char* CommitStateName(CommitState state);  // "running", "success", "failed" (GitLab's names)

class CommitStatusSink {
 public:
  virtual ~CommitStatusSink() = default;
  virtual Status Report(const std::string& sha, CommitState state, const std::string& description) = 0;
};

struct GitlabCommitStatusOptions {
  std::string api_url;           // "https://gitlab.example.cm" (the /api/v4 part is added)
  std::string project;           // numeric id, or "group/project" (URL-encoded here)
  std::string token_file;        // PRIVATE-TOKEN (a project access token with api scope), first line
  std::string ref;               // the branch, sent as `ref`
  std::string name = "swarmop";  // the status' name (context)
  std::string target_url;        // link shown with the status (e.g. the operator's /api/v1/status)
  std::chrono::milliseconds timeout{10000};
};

// Fails on an unreadable token file or a malformed api_url.
StatusOr<std::unique_ptr<CommitStatusSink>> NewGitlabCommitStatus(const GitlabCommitStatusOptions& options);

// The request a report sends, for tests: target ("/api/v4/projects/42/statuses/<sha>") and JSON body.
struct CommitStatusRequest {
  std::string target;
  std::string body;
};
CommitStatusRequest BuildCommitStatusRequest(const GitlabCommitStatusOptions& options, const std::string& sha,
                                             CommitState state, const std::string& description);

}  // namespace swarmop::reconciler
