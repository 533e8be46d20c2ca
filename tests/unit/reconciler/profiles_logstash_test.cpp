// The logstash profile: the pipeline it renders (golden file), what it does to the Logstash's Swarm
// services, the credentials wrapper (run by a real sh), and the gelf log driver every Service at a Logstash
// site gets, without update churn. Regenerate the golden files after an intended change:
// SWARMOP_UPDATE_GOLDEN=1 unit_profiles
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "estate_fixtures.h"
#include "golden_file.h"
#include "swarmop/engine/counting_engine.h"
#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/profiles/logstash.h"
#include "swarmop/reconciler/profiles/profiles.h"
#include "swarmop/reconciler/replication/plan_estate.h"

namespace swarmop::reconciler {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace swarmop::reconciler::testing;
using swarmop::testing::FakeEngine;

const std::string kGoldenDir = std::string(SWARMOP_SOURCE_DIR) + "/tests/unit/reconciler/profiles_golden/";

RenderOptions WithProfiles() {
  RenderOptions options;
  UseProfileRendering(options);
  return options;
}

RenderedState MustRender(const crds::DesiredState& desired) {
  auto rendered = Render(desired, WithProfiles());
  EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
  return rendered.ok() ? *rendered : RenderedState{};
}

crds::Service Logstash() {
  crds::Service logstash = Service("logstash", {{"douala", 1}, {"yaounde", 1}}, "logstash:8.13");
  logstash.spec.command.clear();
  logstash.spec.profile = crds::Profile::kLogstash;
  logstash.spec.mode = crds::ServiceMode::kGlobal;
  logstash.spec.logstash = crds::LogstashSettings{"https://es.cloud.internal:9200", "es-writer"};
  return logstash;
}

// cloud + douala + yaounde; a Logstash at douala and yaounde; an API at all three; a worker at douala that
// logs with its own driver.
crds::DesiredState LoggingEstate() {
  crds::DesiredState desired;
  desired.sites = {Site("cloud"), Site("douala"), Site("yaounde")};
  crds::Service worker = Service("worker", {{"douala", 1}});
  worker.spec.logging = crds::Logging{"json-file", {{"max-size", "10m"}}};
  desired.services = {Logstash(), Service("api", {{"cloud", 1}, {"douala", 2}, {"yaounde", 2}}), worker};
  return desired;
}

const engine::ServiceSpec& SpecOf(const RenderedState& rendered, const std::string& name) {
  const DesiredService* service = rendered.FindService(name);
  if (service == nullptr) ADD_FAILURE() << "no service " << name;
  static const engine::ServiceSpec kNone;
  return service ? service->spec : kNone;
}

// The text of the config mounted at `path` in `swarm_name`.
std::string Mounted(const RenderedState& rendered, const std::string& swarm_name, const std::string& path) {
  for (const auto& ref : SpecOf(rendered, swarm_name).task_template.container_spec.configs) {
    if (ref.file.name != path) continue;
    for (const auto& config : rendered.configs) {
      if (config.spec.name == ref.config_name) return config.spec.data;
    }
  }
  return "nothing mounted at " + path + " in " + swarm_name;
}

TEST(LogstashProfile, PipelineAtDoualaMatchesTheGoldenFile) {
  RenderedState rendered = MustRender(LoggingEstate());
  std::string pipeline = Mounted(rendered, "logstash-douala", profiles::kLogstashPipelinePath);
  testing::ExpectGoldenFile(kGoldenDir + "logstash-douala.conf", pipeline);
  EXPECT_THAT(pipeline, HasSubstr("port => 12201"));
  EXPECT_THAT(pipeline, HasSubstr("hosts => [\"https://es.cloud.internal:9200\"]"));
  EXPECT_THAT(pipeline, HasSubstr("ssl_enabled => true"));
  EXPECT_THAT(pipeline, HasSubstr("\"[swarmop][site]\" => \"douala\""));
}

TEST(LogstashProfile, EachSiteGetsItsOwnPipelineAndTheBracesBalance) {
  RenderedState rendered = MustRender(LoggingEstate());
  for (const std::string site : {"douala", "yaounde"}) {
    std::string pipeline = Mounted(rendered, "logstash-" + site, profiles::kLogstashPipelinePath);
    EXPECT_THAT(pipeline, HasSubstr("\"[swarmop][site]\" => \"" + site + "\""));
    int depth = 0;
    for (char c : pipeline) {
      depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      ASSERT_GE(depth, 0) << pipeline;
    }
    EXPECT_EQ(depth, 0) << pipeline;
  }
}

TEST(LogstashProfile, LogstashRunsGlobalWithTheGelfPortPublishedInHostMode) {
  crds::DesiredState desired = LoggingEstate();
  desired.services[0].spec.mode = crds::ServiceMode::kReplicated;
  RenderedState rendered = MustRender(desired);
  const engine::ServiceSpec& spec = SpecOf(rendered, "logstash-douala");
  EXPECT_EQ(spec.mode.kind, engine::ServiceMode::Kind::kGlobal);
  ASSERT_TRUE(spec.endpoint_spec);
  engine::PortConfig gelf;
  gelf.protocol = "udp";
  gelf.target_port = 12201;
  gelf.published_port = 12201;
  gelf.publish_mode = "host";
  EXPECT_THAT(spec.endpoint_spec->ports, Contains(gelf));
  EXPECT_THAT(rendered.warnings, Contains(HasSubstr("rendered in global mode")));
}

TEST(LogstashProfile, CredentialsComeFromTheSecretAndAreNeverInTextEnvOrLabels) {
  RenderedState rendered = MustRender(LoggingEstate());
  const engine::ServiceSpec& spec = SpecOf(rendered, "logstash-douala");
  const engine::ContainerSpec& container = spec.task_template.container_spec;
  ASSERT_EQ(container.secrets.size(), 1u);
  EXPECT_EQ(container.secrets[0].secret_name, "es-writer");
  EXPECT_EQ(container.secrets[0].file.name, "es-writer");
  EXPECT_EQ(container.command, (std::vector<std::string>{"/bin/sh", profiles::kLogstashEntrypointPath}));
  std::string pipeline = Mounted(rendered, "logstash-douala", profiles::kLogstashPipelinePath);
  EXPECT_THAT(pipeline, HasSubstr("password => \"${ES_PASSWORD}\""));
  for (const std::string& env : container.env) EXPECT_THAT(env, Not(HasSubstr("ES_")));
  for (const auto& [key, value] : spec.labels) EXPECT_THAT(value, Not(HasSubstr("es-writer")));
  // Without a secret: no user/password lines, a warning.
  crds::DesiredState desired = LoggingEstate();
  desired.services[0].spec.logstash->credentials_secret.clear();
  RenderedState anonymous = MustRender(desired);
  EXPECT_THAT(Mounted(anonymous, "logstash-douala", profiles::kLogstashPipelinePath),
              Not(HasSubstr("password")));
  EXPECT_THAT(SpecOf(anonymous, "logstash-douala").task_template.container_spec.secrets, IsEmpty());
  EXPECT_THAT(anonymous.warnings, Contains(HasSubstr("without credentials")));
}

TEST(LogstashProfile, AServicesOwnCommandIsKept) {
  crds::DesiredState desired = LoggingEstate();
  desired.services[0].spec.command = {"python3", "/usr/local/bin/gelf-receiver"};
  RenderedState rendered = MustRender(desired);
  EXPECT_EQ(SpecOf(rendered, "logstash-douala").task_template.container_spec.command,
            desired.services[0].spec.command);
}

// Runs the wrapper with sh, the secret and the image's entrypoint swapped for files of a temporary folder.
std::string RunEntrypoint(const std::string& secret_content) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("swarmop-logstash-entrypoint-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "es-writer") << secret_content;
  std::ofstream(dir / "entrypoint") << "#!/bin/sh\necho \"user=$ES_USER password=$ES_PASSWORD args=$*\"\n";
  fs::permissions(dir / "entrypoint", fs::perms::owner_all);
  std::string script = profiles::RenderLogstashEntrypoint("es-writer");
  auto replace = [&](const std::string& from, const std::string& to) {
    size_t at = script.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) script.replace(at, from.size(), to);
  };
  replace("/run/secrets/", dir.string() + "/");
  replace(std::string("exec ") + profiles::kLogstashImageEntrypoint, "exec " + (dir / "entrypoint").string());
  std::ofstream(dir / "wrapper") << script;
  std::string command = "sh " + (dir / "wrapper").string() + " -f x 2>&1";
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[256];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    ::pclose(pipe);
  }
  fs::remove_all(dir);
  return output;
}

TEST(LogstashProfile, TheEntrypointWrapperExportsTheSecretsUserAndPasswordAndRunsTheImage) {
  EXPECT_EQ(RunEntrypoint("writer:s3cr:et\n"), "user=writer password=s3cr:et args=-f x\n");
  EXPECT_THAT(RunEntrypoint("no-colon"), HasSubstr("must hold user:password"));
}

TEST(LogShipping, AServiceAtALogstashSiteLogsThroughGelfToItsNode) {
  RenderedState rendered = MustRender(LoggingEstate());
  const engine::TaskTemplate& task = SpecOf(rendered, "api-douala").task_template;
  ASSERT_TRUE(task.log_driver);
  EXPECT_EQ(task.log_driver->name, "gelf");
  EXPECT_EQ(task.log_driver->options.at("gelf-address"), "udp://127.0.0.1:12201");
  EXPECT_EQ(task.log_driver->options.at("tag"), "api-douala");
  EXPECT_EQ(task.log_driver->options.at("labels"),
            "io.swarmop.site,io.swarmop.owner-name,com.docker.swarm.service.name,com.docker.swarm.task.name");
  EXPECT_EQ(task.container_spec.labels.at(labels::kSite), "douala");
  EXPECT_EQ(task.container_spec.labels.at(labels::kOwnerName), "api");
  EXPECT_EQ(SpecOf(rendered, "api-yaounde").task_template.log_driver->options.at("tag"), "api-yaounde");
}

TEST(LogShipping, AServicesOwnLoggingWins) {
  RenderedState rendered = MustRender(LoggingEstate());
  const engine::TaskTemplate& task = SpecOf(rendered, "worker-douala").task_template;
  ASSERT_TRUE(task.log_driver);
  EXPECT_EQ(task.log_driver->name, "json-file");
  EXPECT_EQ(task.log_driver->options, (engine::Labels{{"max-size", "10m"}}));
  EXPECT_THAT(task.container_spec.labels, IsEmpty());
}

TEST(LogShipping, ASiteWithoutLogstashKeepsTheEnginesDefault) {
  RenderedState rendered = MustRender(LoggingEstate());
  EXPECT_FALSE(SpecOf(rendered, "api-cloud").task_template.log_driver);
  crds::DesiredState without = LoggingEstate();
  without.services.erase(without.services.begin());
  EXPECT_FALSE(MustRender(without).FindService("api-douala")->spec.task_template.log_driver);
}

TEST(LogShipping, LogstashNeverShipsItsOwnLogsToItself) {
  RenderedState rendered = MustRender(LoggingEstate());
  EXPECT_FALSE(SpecOf(rendered, "logstash-douala").task_template.log_driver);
}

TEST(LogShipping, ConvergedEstateWritesNothingAndOneChangeIsOneUpdate) {
  FakeEngine fake;
  fake.AddSecret("es-writer");
  crds::DesiredState desired = LoggingEstate();
  PlanEstateOptions options;
  options.render = WithProfiles();
  auto plan_and_apply = [&](engine::Engine& engine) {
    auto planned = PlanEstate(engine, desired, options);
    EXPECT_TRUE(planned.ok()) << planned.status().ToString();
    ApplyOptions apply;
    apply.retry_backoff = std::chrono::milliseconds(1);
    EXPECT_TRUE(ApplyPlan(engine, planned->plan, apply).ok());
    return ToString(planned->plan);
  };
  plan_and_apply(fake);
  {
    engine::CountingEngine counting(&fake);
    EXPECT_EQ(plan_and_apply(counting), "");
    EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
  }
  desired.services[1].spec.env = {{"MODE", "debug"}};
  {
    engine::CountingEngine counting(&fake);
    std::string plan = plan_and_apply(counting);
    EXPECT_EQ(counting.Writes(), 3u) << plan;  // api at cloud, douala, yaounde; nothing else
    EXPECT_THAT(plan, Not(HasSubstr("logstash")));
  }
  engine::CountingEngine counting(&fake);
  EXPECT_EQ(plan_and_apply(counting), "");
  EXPECT_EQ(counting.Writes(), 0u) << ::testing::PrintToString(counting.WriteLog());
}

TEST(LogShipping, ALogstashArrivingAtASiteUpdatesEachServiceThereOnce) {
  FakeEngine fake;
  crds::DesiredState desired = LoggingEstate();
  desired.services.erase(desired.services.begin());
  Converge(fake, desired);
  desired.services.insert(desired.services.begin(), Logstash());
  PlanEstateOptions options;
  options.render = WithProfiles();
  auto planned = PlanEstate(fake, desired, options);
  ASSERT_TRUE(planned.ok());
  std::string plan = ToString(planned->plan);
  EXPECT_THAT(plan, HasSubstr("update service api-douala"));
  EXPECT_THAT(plan, HasSubstr("log_driver.name: (none) -> gelf"));
  EXPECT_THAT(plan, Not(HasSubstr("update service api-cloud")));
  EXPECT_THAT(plan, Not(HasSubstr("update service worker-douala")));
}

}  // namespace
}  // namespace swarmop::reconciler
