// manifests/gitlab-ci/.gitlab-ci.yml checked by GitLab's own CI schema (tests/third-party/gitlab/ci.json,
// draft-07), and its engine set-up script run by a real shell without the variables a merge-request
// pipeline of an unprotected branch lacks. The one file of this target that includes valijson.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "yaml_to_json.h"  // crds' YAML reader (crds/src)

namespace {

const std::string kSource = SWARMOP_SOURCE_DIR;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct CompiledSchema {
  nlohmann::json document;
  valijson::Schema schema;
};

const CompiledSchema& GitlabCiSchema() {
  static const CompiledSchema* compiled = [] {
    auto* out = new CompiledSchema;
    out->document = nlohmann::json::parse(ReadFile(kSource + "/tests/third-party/gitlab/ci.json"));
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(out->document);
    parser.populateSchema(adapter, out->schema);
    return out;
  }();
  return *compiled;
}

nlohmann::json ParseCiYaml(const std::string& text) {
  auto parsed = swarmop::crds::internal::ParseYaml(".gitlab-ci.yml", text);
  if (!parsed.errors.empty()) throw std::runtime_error(parsed.errors[0].ToString());
  if (parsed.documents.size() != 1) throw std::runtime_error("expected one YAML document");
  return parsed.documents[0].value;
}

// Every violation as "<path>: <description>"; empty when GitLab's schema accepts the file.
std::vector<std::string> Violations(const std::string& ci_yaml) {
  const nlohmann::json ci = ParseCiYaml(ci_yaml);
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(ci);
  std::vector<std::string> out;
  if (!validator.validate(GitlabCiSchema().schema, target, &results)) {
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      std::string path;
      for (const std::string& token : error.context) path += token;
      out.push_back(path + ": " + error.description);
    }
  }
  return out;
}

std::string Template() { return ReadFile(kSource + "/manifests/gitlab-ci/.gitlab-ci.yml"); }

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

TEST(GitlabCiTemplate, PassesGitlabsOwnCiSchema) {
  const std::vector<std::string> violations = Violations(Template());
  EXPECT_TRUE(violations.empty()) << Joined(violations);
}

TEST(GitlabCiTemplate, SchemaRejectsAJobWhoseAllowFailureExitCodesAreText) {
  std::string broken = Template();
  const std::string good = "exit_codes: [1]";
  ASSERT_NE(broken.find(good), std::string::npos);
  broken.replace(broken.find(good), good.size(), "exit_codes: changes");
  EXPECT_FALSE(Violations(broken).empty());
}

TEST(GitlabCiTemplate, SchemaRejectsAJobWithAMisspelledKeyword) {
  const std::string broken = "stages: [validate]\nvalidate:\n  stage: validate\n  scirpt:\n    - true\n";
  EXPECT_FALSE(Violations(broken).empty());
}

TEST(GitlabCiTemplate, SchemaRejectsAStringWhereRulesNeedsAList) {
  const std::string broken = "job:\n  script: [\"true\"]\n  rules: always\n";
  EXPECT_FALSE(Violations(broken).empty());
}

TEST(GitlabCiTemplate, DiffToleratesOnlyExitCodeOne) {
  const nlohmann::json ci = ParseCiYaml(Template());
  EXPECT_EQ(ci.at("diff").at("allow_failure").at("exit_codes"), nlohmann::json::array({1}));
}

// Runs the template's first .engine before_script entry in /bin/sh with `env` (only those variables plus
// PATH). Returns the exit code; stderr in *err.
int RunEngineCheck(const std::map<std::string, std::string>& env, std::string* err) {
  const nlohmann::json ci = ParseCiYaml(Template());
  const std::string script = ci.at(".engine").at("before_script").at(0).get<std::string>();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("swarmop-ci-check-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "check.sh") << script;
  std::string command = "env -i PATH=/usr/bin:/bin";
  for (const auto& [name, value] : env) command += " " + name + "='" + value + "'";
  command += " /bin/sh " + (dir / "check.sh").string() + " 2>" + (dir / "err").string() + " >/dev/null";
  const int raw = std::system(command.c_str());
  *err = ReadFile((dir / "err").string());
  std::filesystem::remove_all(dir);
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

class EngineCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("swarmop-pem-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    for (const char* name : {"ca", "cert", "key"})
      std::ofstream(dir_ / (std::string(name) + ".pem")) << "-----BEGIN X-----\nAAAA\n-----END X-----\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::map<std::string, std::string> AllFiles() const {
    return {{"SWARMOP_DOCKER_HOST", "tcp://manager:2376"},
            {"SWARMOP_TLS_CA", (dir_ / "ca.pem").string()},
            {"SWARMOP_TLS_CERT", (dir_ / "cert.pem").string()},
            {"SWARMOP_TLS_KEY", (dir_ / "key.pem").string()}};
  }
  std::filesystem::path dir_;
};

TEST_F(EngineCheck, PassesWhenEveryVariableIsAFileHoldingPem) {
  std::string err;
  EXPECT_EQ(RunEngineCheck(AllFiles(), &err), 0) << err;
}

TEST_F(EngineCheck, AMissingProtectedKeyFailsWithExitThreeNamingItNotAsChangesPending) {
  auto env = AllFiles();
  env.erase("SWARMOP_TLS_KEY");  // what a merge request from an unprotected branch receives
  std::string err;
  EXPECT_EQ(RunEngineCheck(env, &err), 3);
  EXPECT_NE(err.find("SWARMOP_TLS_KEY is not set"), std::string::npos) << err;
  EXPECT_NE(err.find("Protected variables"), std::string::npos) << err;
}

TEST_F(EngineCheck, APemPastedIntoAVariableTypeVariableIsRefusedAsNotAFile) {
  auto env = AllFiles();
  env["SWARMOP_TLS_CERT"] = "-----BEGIN CERTIFICATE-----";
  std::string err;
  EXPECT_EQ(RunEngineCheck(env, &err), 3);
  EXPECT_NE(err.find("SWARMOP_TLS_CERT is not a File-type variable"), std::string::npos) << err;
}

TEST_F(EngineCheck, AMissingDockerHostIsNamed) {
  auto env = AllFiles();
  env.erase("SWARMOP_DOCKER_HOST");
  std::string err;
  EXPECT_EQ(RunEngineCheck(env, &err), 3);
  EXPECT_NE(err.find("SWARMOP_DOCKER_HOST is not set"), std::string::npos) << err;
}

}  // namespace
