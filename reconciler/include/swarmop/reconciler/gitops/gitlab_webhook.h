// POST /hooks/gitlab: GitLab's webhook for pull mode. A push to the tracked branch fetches at once instead of
// at the next interval. The X-Gitlab-Token header must equal the secret (compared in constant time, 401
// otherwise, and nothing is fetched). Push events of the tracked ref answer 202 and trigger a fetch; other
// refs, tag pushes and other event kinds answer 200 and are ignored; a body that is not JSON answers 400.
// The handler never waits for the fetch: it only wakes the git loop. Thread-safety: a pure function plus
// the caller's `trigger`.
#pragma once

#include <functional>
#include <string>

#include "swarmop/reconciler/http/http_server.h"

namespace swarmop::reconciler {

struct GitlabWebhookOptions {
  std::string secret;       // the webhook's "Secret token" (a Swarm secret's first line)
  std::string tracked_ref;  // full ref, "refs/heads/main"
};

HttpResponse AnswerGitlabWebhook(const GitlabWebhookOptions& options, const HttpPostRequest& request,
                                 const std::function<void()>& trigger);

}  // namespace swarmop::reconciler
