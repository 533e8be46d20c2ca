// The round trip read -> typed edit -> update must keep what the model does not know and must not bring
// back what the caller cleared.
#include "spec_merge.h"

#include <gtest/gtest.h>

#include "json_codec.h"

namespace swarmop::engine {
namespace {

// A spec as the engine returns it, with fields the model does not know (marked x-).
const char* kEngineSpec = R"({
  "Name": "web",
  "Labels": {"io.swarmop.managed-by": "swarmop"},
  "TaskTemplate": {
    "ContainerSpec": {
      "Image": "local/busybox:1",
      "Command": ["sleep", "3600"],
      "Env": ["A=1"],
      "User": "nobody",
      "Healthcheck": {"Test": ["CMD", "true"], "Interval": 5000000000, "StartInterval": 1000000000},
      "Mounts": [
        {"Type": "volume", "Source": "data", "Target": "/data", "VolumeOptions": {"NoCopy": true}},
        {"Type": "bind", "Source": "/etc/hosts", "Target": "/etc/hosts", "BindOptions": {"Propagation": "rprivate"}}
      ],
      "Isolation": "default"
    },
    "Resources": {"Limits": {"NanoCPUs": 500000000, "Pids": 100}},
    "Placement": {"Constraints": ["node.role==manager"], "Platforms": [{"OS": "linux"}]},
    "Networks": [{"Target": "net1", "Aliases": ["web"], "DriverOpts": {"x": "y"}}],
    "LogDriver": {"Name": "json-file"},
    "ForceUpdate": 0,
    "Runtime": "container"
  },
  "Mode": {"Replicated": {"Replicas": 2}},
  "UpdateConfig": {"Parallelism": 1, "FailureAction": "pause", "Order": "stop-first"},
  "EndpointSpec": {"Mode": "vip"},
  "x-Unknown": {"keep": "me"}
})";

Json UpdateBody(const ServiceSpec& spec) {
  return MergeOverRaw(spec.raw_spec, EncodeServiceSpec(spec), ServiceSpecShape());
}

TEST(SpecMerge, DecodingReadsTheModelledFields) {
  ServiceSpec spec = DecodeServiceSpec(Json::parse(kEngineSpec));
  EXPECT_EQ(spec.name, "web");
  EXPECT_EQ(spec.mode.kind, ServiceMode::Kind::kReplicated);
  EXPECT_EQ(spec.mode.replicas, 2u);
  EXPECT_EQ(spec.task_template.container_spec.image, "local/busybox:1");
  ASSERT_EQ(spec.task_template.container_spec.mounts.size(), 2u);
  EXPECT_EQ(spec.task_template.container_spec.mounts[1].type, "bind");
  EXPECT_EQ(spec.task_template.resources.limits.nano_cpus, 500000000);
  ASSERT_EQ(spec.task_template.networks.size(), 1u);
  EXPECT_EQ(spec.task_template.networks[0].aliases, std::vector<std::string>{"web"});
  EXPECT_FALSE(spec.raw_spec.empty());
}

TEST(SpecMerge, AnUnchangedSpecKeepsEveryUnknownField) {
  ServiceSpec spec = DecodeServiceSpec(Json::parse(kEngineSpec));
  Json body = UpdateBody(spec);
  Json original = Json::parse(kEngineSpec);
  EXPECT_EQ(body["x-Unknown"], original["x-Unknown"]);
  EXPECT_EQ(body["TaskTemplate"]["ContainerSpec"]["User"], "nobody");
  EXPECT_EQ(body["TaskTemplate"]["ContainerSpec"]["Isolation"], "default");
  EXPECT_EQ(body["TaskTemplate"]["ContainerSpec"]["Healthcheck"]["StartInterval"], 1000000000);
  EXPECT_EQ(body["TaskTemplate"]["LogDriver"], original["TaskTemplate"]["LogDriver"]);
  EXPECT_EQ(body["TaskTemplate"]["Runtime"], "container");
  EXPECT_EQ(body["TaskTemplate"]["Resources"]["Limits"]["Pids"], 100);
  EXPECT_EQ(body["TaskTemplate"]["Placement"]["Platforms"],
            original["TaskTemplate"]["Placement"]["Platforms"]);
  EXPECT_EQ(body["TaskTemplate"]["Networks"][0]["DriverOpts"]["x"], "y");
  EXPECT_EQ(body["TaskTemplate"]["ContainerSpec"]["Mounts"][0]["VolumeOptions"]["NoCopy"], true);
  EXPECT_EQ(body["TaskTemplate"]["ContainerSpec"]["Mounts"][1]["BindOptions"]["Propagation"], "rprivate");
}

TEST(SpecMerge, AnUnchangedSpecRoundTripsToTheSameTypedValue) {
  ServiceSpec spec = DecodeServiceSpec(Json::parse(kEngineSpec));
  ServiceSpec again = DecodeServiceSpec(UpdateBody(spec));
  EXPECT_EQ(spec, again);
}

TEST(SpecMerge, TypedChangesWinOverTheRawSpec) {
  ServiceSpec spec = DecodeServiceSpec(Json::parse(kEngineSpec));
  spec.mode.replicas = 5;
  spec.task_template.container_spec.image = "local/busybox:2";
  spec.labels["extra"] = "1";
  Json body = UpdateBody(spec);
  EXPECT_EQ(body["Mode"]["Replicated"]["Replicas"], 5);
  EXPECT_EQ(body["TaskTemplate"]["ContainerSpec"]["Image"], "local/busybox:2");
  EXPECT_EQ(body["Labels"]["extra"], "1");
  EXPECT_EQ(body["x-Unknown"]["keep"], "me");
}

TEST(SpecMerge, ClearedModelledFieldsAreNotResurrected) {
  ServiceSpec spec = DecodeServiceSpec(Json::parse(kEngineSpec));
  spec.task_template.container_spec.env.clear();
  spec.task_template.container_spec.healthcheck.reset();
  spec.task_template.placement.constraints.clear();
  spec.task_template.resources.limits.nano_cpus = 0;
  spec.task_template.networks.clear();
  spec.update_config.reset();
  spec.labels.clear();
  Json body = UpdateBody(spec);
  const Json& container = body["TaskTemplate"]["ContainerSpec"];
  EXPECT_FALSE(container.contains("Env"));
  EXPECT_FALSE(container.contains("Healthcheck"));
  EXPECT_FALSE(body["TaskTemplate"]["Placement"].contains("Constraints"));
  EXPECT_FALSE(body["TaskTemplate"]["Resources"]["Limits"].contains("NanoCPUs"));
  EXPECT_EQ(body["TaskTemplate"]["Resources"]["Limits"]["Pids"], 100);  // unknown: kept
  EXPECT_FALSE(body["TaskTemplate"].contains("Networks"));
  EXPECT_FALSE(body.contains("UpdateConfig"));
  EXPECT_FALSE(body.contains("Labels"));
  EXPECT_EQ(container["User"], "nobody");
}

TEST(SpecMerge, ChangingTheModeDropsTheOldMode) {
  ServiceSpec spec = DecodeServiceSpec(Json::parse(kEngineSpec));
  spec.mode.kind = ServiceMode::Kind::kGlobal;
  Json body = UpdateBody(spec);
  EXPECT_TRUE(body["Mode"].contains("Global"));
  EXPECT_FALSE(body["Mode"].contains("Replicated"));
}

TEST(SpecMerge, ARemovedMountIsDroppedAndTheOthersKeepTheirUnknownOptions) {
  ServiceSpec spec = DecodeServiceSpec(Json::parse(kEngineSpec));
  auto& mounts = spec.task_template.container_spec.mounts;
  mounts.erase(mounts.begin());
  Json body = UpdateBody(spec);
  const Json& sent = body["TaskTemplate"]["ContainerSpec"]["Mounts"];
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["Target"], "/etc/hosts");
  EXPECT_EQ(sent[0]["BindOptions"]["Propagation"], "rprivate");
}

TEST(SpecMerge, AHandBuiltSpecEncodesOnlyWhatIsSet) {
  ServiceSpec spec;
  spec.name = "api";
  spec.task_template.container_spec.image = "local/busybox:1";
  spec.task_template.container_spec.configs.push_back({"cid", "cname", {"/app.conf", "0", "0", 0444}});
  spec.task_template.placement.spread = {"node.labels.site"};
  spec.mode.replicas = 3;
  Json body = UpdateBody(spec);
  EXPECT_EQ(body["Name"], "api");
  EXPECT_EQ(body["Mode"]["Replicated"]["Replicas"], 3);
  EXPECT_EQ(body["TaskTemplate"]["ContainerSpec"]["Configs"][0]["File"]["Mode"], 0444);
  EXPECT_EQ(body["TaskTemplate"]["Placement"]["Preferences"][0]["Spread"]["SpreadDescriptor"],
            "node.labels.site");
  EXPECT_FALSE(body.contains("Labels"));
  EXPECT_FALSE(body.contains("UpdateConfig"));
  EXPECT_FALSE(body["TaskTemplate"]["ContainerSpec"].contains("Env"));
  // Empty containers stay absent: the engine tells nil from {} and would redeploy every task.
  EXPECT_FALSE(body["TaskTemplate"].contains("Resources"));
}

TEST(SpecMerge, JobModesEncodeTheirOwnKeys) {
  ServiceSpec spec;
  spec.mode.kind = ServiceMode::Kind::kReplicatedJob;
  spec.mode.total_completions = 3;
  Json body = EncodeServiceSpec(spec);
  EXPECT_EQ(body["Mode"]["ReplicatedJob"]["TotalCompletions"], 3);
  spec.mode.kind = ServiceMode::Kind::kGlobalJob;
  EXPECT_TRUE(EncodeServiceSpec(spec)["Mode"].contains("GlobalJob"));
  EXPECT_EQ(DecodeServiceSpec(EncodeServiceSpec(spec)).mode.kind, ServiceMode::Kind::kGlobalJob);
}

TEST(SpecMerge, NodeUpdateKeepsUnknownSpecFields) {
  Json raw = Json::parse(R"({"Name":"n1","Labels":{"site":"douala"},"Role":"manager","Availability":"active",
                             "x-Future":1})");
  NodeSpec spec{"n1", {{"site", "yaounde"}}, "manager", "drain", raw.dump()};
  Json body = MergeOverRaw(spec.raw_spec, EncodeNodeSpec(spec), NodeSpecShape());
  EXPECT_EQ(body["Labels"]["site"], "yaounde");
  EXPECT_EQ(body["Availability"], "drain");
  EXPECT_EQ(body["x-Future"], 1);
}

TEST(Base64, RoundTripsBinaryBytes) {
  std::string bytes("\x00\x01\xfe\xffhello world", 15);
  for (size_t n = 0; n <= bytes.size(); ++n) {
    std::string piece = bytes.substr(0, n);
    EXPECT_EQ(Base64Decode(Base64Encode(piece)), piece) << n;
  }
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
}

TEST(SpecMerge, TmpfsOptionsAndTheLogDriverRoundTrip) {
  ServiceSpec spec;
  spec.name = "agent";
  spec.task_template.container_spec.image = "busybox";
  Mount tmpfs;
  tmpfs.type = "tmpfs";
  tmpfs.target = "/tmp";
  tmpfs.tmpfs_size_bytes = 67108864;
  tmpfs.tmpfs_mode = 01777;
  spec.task_template.container_spec.mounts = {tmpfs};
  spec.task_template.log_driver = LogDriver{"gelf", {{"gelf-address", "udp://127.0.0.1:12201"}}};
  Json encoded = EncodeServiceSpec(spec);
  EXPECT_EQ(encoded["TaskTemplate"]["ContainerSpec"]["Mounts"][0]["TmpfsOptions"],
            Json::parse(R"({"SizeBytes": 67108864, "Mode": 1023})"));
  EXPECT_EQ(encoded["TaskTemplate"]["LogDriver"],
            Json::parse(R"({"Name": "gelf", "Options": {"gelf-address": "udp://127.0.0.1:12201"}})"));
  ServiceSpec decoded = DecodeServiceSpec(encoded);
  EXPECT_EQ(decoded, spec);
}

TEST(SpecMerge, AClearedLogDriverIsRemovedAndUnknownTmpfsOptionsStay) {
  Json raw = Json::parse(R"({
    "Name": "agent",
    "TaskTemplate": {
      "ContainerSpec": {"Image": "busybox",
                        "Mounts": [{"Type": "tmpfs", "Target": "/tmp",
                                    "TmpfsOptions": {"SizeBytes": 1024, "Options": [["noexec"]]}}]},
      "LogDriver": {"Name": "gelf", "Options": {"gelf-address": "udp://127.0.0.1:12201"}}
    },
    "Mode": {"Replicated": {"Replicas": 1}}
  })");
  ServiceSpec spec = DecodeServiceSpec(raw);
  ASSERT_TRUE(spec.task_template.log_driver.has_value());
  EXPECT_EQ(spec.task_template.container_spec.mounts[0].tmpfs_size_bytes, 1024);
  spec.task_template.log_driver.reset();
  spec.task_template.container_spec.mounts[0].tmpfs_size_bytes = 2048;
  Json merged = MergeOverRaw(spec.raw_spec, EncodeServiceSpec(spec), ServiceSpecShape());
  EXPECT_FALSE(merged["TaskTemplate"].contains("LogDriver"));
  EXPECT_EQ(merged["TaskTemplate"]["ContainerSpec"]["Mounts"][0]["TmpfsOptions"],
            Json::parse(R"({"SizeBytes": 2048, "Options": [["noexec"]]})"));
}

}  // namespace
}  // namespace swarmop::engine
