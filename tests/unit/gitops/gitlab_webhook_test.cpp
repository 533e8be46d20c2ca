// POST /hooks/gitlab as a pure function, and through the real listener (body limit, /healthz unaffected).
#include "swarmop/reconciler/gitops/gitlab_webhook.h"

#include <gtest/gtest.h>

namespace swarmop::reconciler {
namespace {

const GitlabWebhookOptions kOptions{"s3cret-token", "refs/heads/main"};

HttpPostRequest Push(const std::string& ref, const std::string& token = "s3cret-token",
                     const std::string& event = "Push Hook") {
  HttpPostRequest request;
  if (!token.empty()) request.headers["x-gitlab-token"] = token;
  request.headers["x-gitlab-event"] = event;
  request.body = R"({"object_kind":"push","event_name":"push","ref":")" + ref +
                 R"(","checkout_sha":"0123456789012345678901234567890123456789","commits":[]})";
  return request;
}

struct Count {
  int n = 0;
  std::function<void()> fn() {
    return [this] { ++n; };
  }
};

TEST(GitlabWebhook, APushToTheTrackedBranchFetchesAtOnce) {
  Count triggered;
  HttpResponse r = AnswerGitlabWebhook(kOptions, Push("refs/heads/main"), triggered.fn());
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(triggered.n, 1);
}

TEST(GitlabWebhook, AWrongTokenIs401AndFetchesNothing) {
  Count triggered;
  EXPECT_EQ(AnswerGitlabWebhook(kOptions, Push("refs/heads/main", "wrong"), triggered.fn()).status, 401);
  EXPECT_EQ(AnswerGitlabWebhook(kOptions, Push("refs/heads/main", "s3cret-token2"), triggered.fn()).status,
            401);
  EXPECT_EQ(AnswerGitlabWebhook(kOptions, Push("refs/heads/main", ""), triggered.fn()).status, 401);
  EXPECT_EQ(triggered.n, 0);
}

TEST(GitlabWebhook, OtherBranchesTagsAndEventKindsAreAcknowledgedAndIgnored) {
  Count triggered;
  EXPECT_EQ(AnswerGitlabWebhook(kOptions, Push("refs/heads/feature"), triggered.fn()).status, 200);
  EXPECT_EQ(
      AnswerGitlabWebhook(kOptions, Push("refs/tags/v1", "s3cret-token", "Tag Push Hook"), triggered.fn())
          .status,
      200);
  EXPECT_EQ(AnswerGitlabWebhook(kOptions, Push("refs/heads/main", "s3cret-token", "Merge Request Hook"),
                                triggered.fn())
                .status,
            200);
  EXPECT_EQ(triggered.n, 0);
}

TEST(GitlabWebhook, ABodyThatIsNotJsonIs400) {
  Count triggered;
  HttpPostRequest request = Push("refs/heads/main");
  request.body = "{not json";
  EXPECT_EQ(AnswerGitlabWebhook(kOptions, request, triggered.fn()).status, 400);
  EXPECT_EQ(triggered.n, 0);
}

TEST(GitlabWebhook, TheListenerRefusesABodyOverThePostLimitWith413) {
  HttpServerOptions options;
  options.post_body_limit = 64;
  int called = 0;
  options.post_routes["/hooks/gitlab"] = [&called](const HttpPostRequest&) {
    ++called;
    return HttpResponse{202, "text/plain", "ok\n"};
  };
  HttpRoutes routes{{"/healthz", [] { return HttpResponse{200, "text/plain", "ok\n"}; }}};
  const std::string big(100, 'x');
  std::string answer = AnswerRawHttpRequest(
      routes, options, "POST /hooks/gitlab HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + big);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  answer = AnswerRawHttpRequest(
      routes, options,
      "POST /hooks/gitlab HTTP/1.1\r\nHost: x\r\nX-Gitlab-Token: t\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(answer.rfind("HTTP/1.1 202", 0), 0u) << answer;
  EXPECT_EQ(called, 1);
  // A GitLab-sized push event (over the 1 KiB of other paths, under the webhook's limit) is read whole.
  options.post_body_limit = 1024 * 1024;
  const std::string push(50 * 1024, ' ');
  answer = AnswerRawHttpRequest(routes, options,
                                "POST /hooks/gitlab HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                    std::to_string(push.size()) + "\r\n\r\n" + push);
  EXPECT_EQ(answer.rfind("HTTP/1.1 202", 0), 0u) << answer;
  EXPECT_EQ(called, 2);
  // A GET path keeps its own 1 KiB limit, and POST elsewhere is still 405.
  answer = AnswerRawHttpRequest(
      routes, options,
      "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + std::string(2000, 'x'));
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  answer = AnswerRawHttpRequest(routes, options,
                                "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(answer.rfind("HTTP/1.1 405", 0), 0u) << answer;
}

}  // namespace
}  // namespace swarmop::reconciler
