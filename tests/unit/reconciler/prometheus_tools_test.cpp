// The prometheus profile's files checked by their owners' tools: promtool (Debian's `prometheus`) and amtool
// (`prometheus-alertmanager`), both installed by `make deps`. The rendered files of the reference estate are
// written to a temp folder and checked for real; each check is also shown to fail on a broken file. A
// missing tool FAILS the test (CI installs it), it never skips.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "replication_fixtures.h"
#include "swarmop/reconciler/profiles/prometheus.h"

namespace swarmop::reconciler::profiles {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string kRuleTests =
    std::string(SWARMOP_SOURCE_DIR) + "/tests/unit/reconciler/prometheus/swarmop-rules.test.yml";

struct ToolRun {
  int exit_code = -1;
  std::string output;
};

ToolRun RunTool(const std::string& command) {
  ToolRun run;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// The tool's path on PATH, or "" (the test then fails, naming the package).
std::string FindTool(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    fs::path candidate = fs::path(dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PrometheusTools : public ::testing::Test {
 protected:
  void SetUp() override {
    promtool_ = FindTool("promtool");
    amtool_ = FindTool("amtool");
    ASSERT_FALSE(promtool_.empty())
        << "promtool is not installed: install Debian's `prometheus` package (make deps does)";
    ASSERT_FALSE(amtool_.empty())
        << "amtool is not installed: install Debian's `prometheus-alertmanager` package (make deps does)";
    char pattern[] = "/tmp/swarmop-prometheus-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    crds::DesiredState desired = testing::ReferenceEstate();
    for (auto component : {MonitoringComponent::kPrometheus, MonitoringComponent::kAlertmanager,
                           MonitoringComponent::kGrafana}) {
      for (const RenderedFile& file : ComponentFiles(desired, component)) Write(file.name, file.content);
    }
    Write("swarmop-rules.test.yml", ReadFile(kRuleTests));
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(fs::path(dir_) / name, std::ios::trunc) << content;
  }
  std::string Path(const std::string& name) const { return (fs::path(dir_) / name).string(); }
  // Rewrites the written file `name` with its first `from` replaced by `to` (a broken file for a tool).
  void Break(const std::string& name, const std::string& from, const std::string& to) {
    std::string text = ReadFile(Path(name));
    ASSERT_NE(text.find(from), std::string::npos) << from;
    Write(name, text.replace(text.find(from), from.size(), to));
  }
  ToolRun Promtool(const std::string& args) const { return RunTool(promtool_ + " " + args); }
  ToolRun Amtool(const std::string& args) const { return RunTool(amtool_ + " " + args); }

  std::string promtool_, amtool_, dir_;
};

TEST_F(PrometheusTools, PromtoolAcceptsTheRenderedConfigWithItsRuleFile) {
  ToolRun run = Promtool("check config " + Path("prometheus.yml"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("SUCCESS"));
  EXPECT_THAT(run.output, HasSubstr("swarmop-rules.yml"));  // the rule file was found and checked too
}

TEST_F(PrometheusTools, PromtoolRejectsABrokenConfig) {
  // An unknown service discovery role is what a slip in the renderer would produce.
  Break("prometheus.yml", "role: tasks", "role: containers");
  ToolRun run = Promtool("check config " + Path("prometheus.yml"));
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAILED"));
}

TEST_F(PrometheusTools, PromtoolAcceptsTheRules) {
  ToolRun run = Promtool("check rules " + Path("swarmop-rules.yml"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("SUCCESS: 10 rules found"));
}

TEST_F(PrometheusTools, PromtoolRejectsABrokenRule) {
  Write("swarmop-rules.yml", RenderAlertRules() + "      - alert: Broken\n        expr: sum(up\n");
  ToolRun run = Promtool("check rules " + Path("swarmop-rules.yml"));
  EXPECT_NE(run.exit_code, 0) << run.output;
}

TEST_F(PrometheusTools, EveryAlertPassesItsPromtoolUnitTest) {
  ToolRun run = Promtool("test rules " + Path("swarmop-rules.test.yml"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("SUCCESS"));
  // Every alert of the rules has a test case.
  const std::string tests = ReadFile(kRuleTests);
  std::string rules = RenderAlertRules();
  for (size_t at = rules.find("- alert: "); at != std::string::npos; at = rules.find("- alert: ", at + 1)) {
    size_t start = at + 9;
    std::string name = rules.substr(start, rules.find('\n', start) - start);
    EXPECT_THAT(tests, HasSubstr("alertname: " + name + "\n")) << name << " has no promtool test";
  }
}

TEST_F(PrometheusTools, PromtoolUnitTestsFailWhenAnAlertChanges) {
  Break("swarmop-rules.yml", "for: 5m", "for: 1m");  // SwarmopServiceBelowDesiredReplicas fires early
  ToolRun run = Promtool("test rules " + Path("swarmop-rules.test.yml"));
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("SwarmopServiceBelowDesiredReplicas"));
}

TEST_F(PrometheusTools, AmtoolAcceptsTheAlertmanagerConfig) {
  ToolRun run = Amtool("check-config " + Path("alertmanager.yml"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("SUCCESS"));
}

TEST_F(PrometheusTools, AmtoolRejectsARouteToAnUnknownReceiver) {
  Break("alertmanager.yml", "- name: 'site-douala'", "- name: 'site-elsewhere'");
  ToolRun run = Amtool("check-config " + Path("alertmanager.yml"));
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("undefined receiver"));
}

// The dashboard's queries, checked by promtool as recording rules (the PromQL parser Grafana's queries
// meet in Prometheus).
TEST_F(PrometheusTools, DashboardQueriesAreValidPromQL) {
  auto dashboard = nlohmann::json::parse(RenderGrafanaDashboard());
  std::ostringstream rules;
  rules << "groups:\n  - name: dashboard\n    rules:\n";
  int n = 0;
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel["targets"]) {
      rules << "      - record: dashboard:query" << ++n << "\n        expr: '"
            << target["expr"].get<std::string>() << "'\n";
    }
  }
  Write("dashboard-rules.yml", rules.str());
  ToolRun run = Promtool("check rules " + Path("dashboard-rules.yml"));
  EXPECT_EQ(run.exit_code, 0) << run.output << rules.str();
  EXPECT_THAT(run.output, HasSubstr("SUCCESS: " + std::to_string(n) + " rules found"));
}

}  // namespace
}  // namespace swarmop::reconciler::profiles
