#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "swarmop/reconciler/http/http_request.h"

namespace swarmop::reconciler {
namespace {

constexpr char kToken[] = "s3cr3t-t0ken-value";

HttpRoutes Routes() {
  return {{"/healthz",
           [] {
             return HttpResponse{200, "text/plain", "ok\n"};
           }},
          {"/readyz",
           [] {
             return HttpResponse{503, "text/plain", "no\n"};
           }},
          {"/metrics",
           [] {
             return HttpResponse{200, "text/plain", "m 1\n"};
           }},
          {"/api/v1/status", [] {
             return HttpResponse{200, "application/json", "{}"};
           }}};
}

HttpAccess WithToken() {
  HttpAccess access;
  access.bearer_token = kToken;
  return access;
}

std::string Header(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return "";
}

TEST(AnswerHttpRequest, HealthAndReadinessNeedNoToken) {
  EXPECT_EQ(AnswerHttpRequest(Routes(), WithToken(), {"GET", "/healthz", std::nullopt}).status, 200);
  EXPECT_EQ(AnswerHttpRequest(Routes(), WithToken(), {"GET", "/readyz?verbose", std::nullopt}).status, 503);
}

TEST(AnswerHttpRequest, StatusWithoutATokenAnswers401WithAChallengeAndNoErrorCode) {
  HttpResponse response = AnswerHttpRequest(Routes(), WithToken(), {"GET", "/api/v1/status", std::nullopt});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(Header(response, "WWW-Authenticate"), "Bearer realm=\"swarmop\"");
}

TEST(AnswerHttpRequest, AWrongTokenAnswers401InvalidTokenAndNeverEchoesIt) {
  HttpResponse response = AnswerHttpRequest(Routes(), WithToken(),
                                            {"GET", "/api/v1/status", std::string_view("Bearer guess-123")});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(Header(response, "WWW-Authenticate"), "Bearer realm=\"swarmop\", error=\"invalid_token\"");
  EXPECT_EQ(response.body.find("guess-123"), std::string::npos);
  EXPECT_EQ(response.body.find(kToken), std::string::npos);
}

TEST(AnswerHttpRequest, TheRightTokenOpensStatusAndMetrics) {
  std::string header = std::string("Bearer ") + kToken;
  EXPECT_EQ(AnswerHttpRequest(Routes(), WithToken(), {"GET", "/api/v1/status", header}).status, 200);
  EXPECT_EQ(AnswerHttpRequest(Routes(), WithToken(), {"GET", "/metrics", header}).status, 200);
}

TEST(AnswerHttpRequest, MetricsNeedTheTokenUnlessMadePublic) {
  EXPECT_EQ(AnswerHttpRequest(Routes(), WithToken(), {"GET", "/metrics", std::nullopt}).status, 401);
  HttpAccess access = WithToken();
  access.public_paths.insert("/metrics");
  EXPECT_EQ(AnswerHttpRequest(Routes(), access, {"GET", "/metrics", std::nullopt}).status, 200);
  EXPECT_EQ(AnswerHttpRequest(Routes(), access, {"GET", "/api/v1/status", std::nullopt}).status, 401);
}

TEST(AnswerHttpRequest, AnUnknownPathAnswers401BeforeItsExistenceIsRevealed) {
  EXPECT_EQ(AnswerHttpRequest(Routes(), WithToken(), {"GET", "/secret-route", std::nullopt}).status, 401);
  EXPECT_EQ(
      AnswerHttpRequest(Routes(), WithToken(), {"GET", "/healthz/../api/v1/status", std::nullopt}).status,
      401);
  EXPECT_EQ(AnswerHttpRequest(Routes(), HttpAccess{}, {"GET", "/secret-route", std::nullopt}).status, 404);
}

TEST(AnswerHttpRequest, OtherMethodsAnswer405AfterTheTokenCheck) {
  EXPECT_EQ(AnswerHttpRequest(Routes(), WithToken(), {"POST", "/api/v1/status", std::nullopt}).status, 401);
  HttpResponse response = AnswerHttpRequest(Routes(), HttpAccess{}, {"DELETE", "/healthz", std::nullopt});
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(Header(response, "Allow"), "GET");
}

TEST(AnswerHttpRequest, WithoutATokenConfiguredEverythingIsServed) {
  EXPECT_EQ(AnswerHttpRequest(Routes(), HttpAccess{}, {"GET", "/api/v1/status", std::nullopt}).status, 200);
}

TEST(BearerTokenMatches, AcceptsOnlyTheBearerSchemeWithTheExactToken) {
  EXPECT_TRUE(BearerTokenMatches("abc", "Bearer abc"));
  EXPECT_TRUE(BearerTokenMatches("abc", "bearer   abc  "));
  EXPECT_FALSE(BearerTokenMatches("abc", "Bearer abcd"));
  EXPECT_FALSE(BearerTokenMatches("abc", "Bearer ab"));
  EXPECT_FALSE(BearerTokenMatches("abc", "Bearer ABC"));
  EXPECT_FALSE(BearerTokenMatches("abc", "Basic abc"));
  EXPECT_FALSE(BearerTokenMatches("abc", "Bearerabc"));
  EXPECT_FALSE(BearerTokenMatches("abc", "Bearer"));
  EXPECT_FALSE(BearerTokenMatches("abc", ""));
  EXPECT_FALSE(BearerTokenMatches("", "Bearer "));
}

class TokenFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char path[] = "/tmp/swarmop-token-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = path;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void Write(const std::string& content) { std::ofstream(path_, std::ios::binary) << content; }
  std::string path_;
};

TEST_F(TokenFile, TheFirstLineWithoutBlanksIsTheToken) {
  Write("  tok-123\t\nsecond line\n");
  auto token = ReadBearerTokenFile(path_);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(*token, "tok-123");
}

TEST_F(TokenFile, AnEmptyFileIsRefused) {
  Write("\n");
  EXPECT_FALSE(ReadBearerTokenFile(path_).ok());
}

TEST_F(TokenFile, AControlCharacterIsRefusedWithoutQuotingTheContent) {
  Write("half-secret\x01rest");
  auto token = ReadBearerTokenFile(path_);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().message().find("half-secret"), std::string::npos);
}

TEST_F(TokenFile, AMissingFileIsNamed) {
  auto token = ReadBearerTokenFile(path_ + "-missing");
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.status().message().find(path_ + "-missing"), std::string::npos);
}

TEST(DescribeAccess, NamesThePublicPathsAndNeverTheToken) {
  HttpAccess access = WithToken();
  EXPECT_EQ(DescribeAccess(access), "bearer token required except /healthz /readyz");
  EXPECT_EQ(DescribeAccess(HttpAccess{}), "no authentication");
}

}  // namespace
}  // namespace swarmop::reconciler
