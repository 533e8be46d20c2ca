#include "swarmop/reconciler/gitops/gitlab_webhook.h"

#include <glog/logging.h>

#include <nlohmann/json.hpp>

#include "swarmop/reconciler/http/http_request.h"

namespace swarmop::reconciler {
namespace {

HttpResponse Text(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body)};
}

}  // namespace

HttpResponse AnswerGitlabWebhook(const GitlabWebhookOptions& options, const HttpPostRequest& request,
                                 const std::function<void()>& trigger) {
  if (!request.HasHeader("x-gitlab-token") ||
      !SecretMatches(options.secret, request.Header("x-gitlab-token"))) {
    LOG_EVERY_N(WARNING, 20) << "webhook: refused a delivery with "
                             << (request.HasHeader("x-gitlab-token") ? "a wrong" : "no") << " X-Gitlab-Token";
    return Text(401, "unauthorized: X-Gitlab-Token does not match\n");
  }
  const std::string event = request.Header("x-gitlab-event");
  if (event != "Push Hook") return Text(200, "ignored: event " + event.substr(0, 64) + "\n");
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object())
    return Text(400, "bad request: the body is not a JSON object\n");
  const auto kind = body.find("object_kind");
  const auto ref = body.find("ref");
  if (kind == body.end() || !kind->is_string() || *kind != "push") return Text(200, "ignored: not a push\n");
  if (ref == body.end() || !ref->is_string()) return Text(400, "bad request: a push event without ref\n");
  if (ref->get<std::string>() != options.tracked_ref)
    return Text(
        200, "ignored: " + ref->get<std::string>().substr(0, 200) + " is not " + options.tracked_ref + "\n");
  VLOG(1) << "webhook: push to " << options.tracked_ref << ": fetching now";
  trigger();
  return Text(202, "fetching " + options.tracked_ref + "\n");
}

}  // namespace swarmop::reconciler
