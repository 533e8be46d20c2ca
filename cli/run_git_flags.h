// `swarmop run`'s pull-mode flags (--git-url & co., reconciler/git_source.h): parsed here, used by the
// operator. Kept apart from run_command.cpp so that file stays about the watch loop.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "swarmop/reconciler/controller/operator.h"

namespace swarmop::cli {

struct GitFlags {
  std::string url, ref = "main", path, interval = "1m", cache_dir = "/var/lib/swarmop/git";
  std::string username = "oauth2", token_file, ssh_key_file, known_hosts_file, webhook_token_file;
  std::string gitlab_api_url, gitlab_project, gitlab_token_file, gitlab_target_url;  // reporting back
};

void AddGitFlags(CLI::App& cmd, GitFlags& flags);

// Sets options.git and options.gitlab_webhook_token_file from the flags (nothing without --git-url).
void ApplyGitFlags(const GitFlags& flags, reconciler::OperatorOptions& options);

}  // namespace swarmop::cli
