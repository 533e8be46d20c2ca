#include "run_git_flags.h"

#include "cli_support.h"

namespace swarmop::cli {

void AddGitFlags(CLI::App& cmd, GitFlags& f) {
  cmd.add_option("--git-url", f.url,
                 "pull mode: the repository holding the manifests (https://, ssh://, git@host:repo, git://)");
  cmd.add_option("--git-ref", f.ref, "pull mode: the branch (or full ref) to follow")->capture_default_str();
  cmd.add_option("--git-path", f.path, "pull mode: the directory of the manifests in the repository");
  cmd.add_option("--git-interval", f.interval, "pull mode: how often the ref is fetched")
      ->capture_default_str();
  cmd.add_option("--git-cache-dir", f.cache_dir, "pull mode: where the fetched repository is kept")
      ->capture_default_str();
  cmd.add_option("--git-username", f.username, "pull mode, HTTPS: the user sent with the token")
      ->capture_default_str();
  cmd.add_option("--git-token-file", f.token_file,
                 "pull mode, HTTPS: file whose first line is the access token (a Swarm secret)");
  cmd.add_option("--git-ssh-key-file", f.ssh_key_file, "pull mode, SSH: the deploy key (no passphrase)");
  cmd.add_option("--git-known-hosts-file", f.known_hosts_file,
                 "pull mode, SSH: known_hosts listing the server's key (required with a key)");
  cmd.add_option(
      "--gitlab-webhook-token-file", f.webhook_token_file,
      "pull mode: serve POST /hooks/gitlab; GitLab's X-Gitlab-Token must equal this file's first line");
  cmd.add_option("--gitlab-api-url", f.gitlab_api_url,
                 "pull mode: report each applied commit's status to this GitLab (https://gitlab.example.cm)");
  cmd.add_option("--gitlab-project", f.gitlab_project, "pull mode: the GitLab project (id or group/name)");
  cmd.add_option("--gitlab-token-file", f.gitlab_token_file,
                 "pull mode: file whose first line is a GitLab token with api scope (PRIVATE-TOKEN)");
  cmd.add_option("--gitlab-status-target-url", f.gitlab_target_url,
                 "pull mode: the link shown with the commit status (e.g. this operator's /api/v1/status)");
}

void ApplyGitFlags(const GitFlags& f, reconciler::OperatorOptions& options) {
  if (f.url.empty()) {
    if (!f.webhook_token_file.empty() || !f.gitlab_api_url.empty())
      Fail(kExitError, "--gitlab-webhook-token-file and --gitlab-api-url need --git-url");
    return;
  }
  reconciler::GitSourceOptions git;
  git.url = f.url;
  git.ref = f.ref;
  git.path = f.path;
  git.cache_dir = f.cache_dir;
  git.interval = DurationFlagOrFail("--git-interval", f.interval, DurationSign::kPositive);
  git.credentials = {f.username, f.token_file, f.ssh_key_file, f.known_hosts_file};
  git.load = options.load;
  options.git = std::move(git);
  options.gitlab_webhook_token_file = f.webhook_token_file;
  if (!f.gitlab_api_url.empty()) {
    reconciler::GitlabCommitStatusOptions report;
    report.api_url = f.gitlab_api_url;
    report.project = f.gitlab_project;
    report.token_file = f.gitlab_token_file;
    report.ref = f.ref;
    report.target_url = f.gitlab_target_url;
    options.gitlab_status = std::move(report);
  }
}

}  // namespace swarmop::cli
