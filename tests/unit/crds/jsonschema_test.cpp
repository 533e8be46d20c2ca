// crds/jsonschema/*.json are generated from the CRDs; fail when a CRD changed and they were not regenerated
// (cmake --build <build> --target crds_jsonschema).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "swarmop/crds/schemas.h"
#include "test_util.h"

namespace swarmop::crds {
namespace {

const std::string kDir = std::string(SWARMOP_SOURCE_DIR) + "/crds/jsonschema/";

TEST(JsonSchema, CheckedInFilesAreUpToDate) {
  EXPECT_EQ(testing::ReadText(kDir + "site.json"), JsonSchemaFor(Kind::kSite));
  EXPECT_EQ(testing::ReadText(kDir + "service.json"), JsonSchemaFor(Kind::kService));
  EXPECT_EQ(testing::ReadText(kDir + "replication.json"), JsonSchemaFor(Kind::kReplication));
}

// Every property in every schema has a description (editors show them on hover).
void ExpectDescribed(const nlohmann::json& schema, const std::string& where) {
  EXPECT_TRUE(schema.contains("description")) << where;
  if (schema.contains("properties")) {
    EXPECT_EQ(schema.value("additionalProperties", nlohmann::json(true)), nlohmann::json(false)) << where;
    for (const auto& [name, sub] : schema["properties"].items()) ExpectDescribed(sub, where + "." + name);
  }
  if (schema.contains("items")) ExpectDescribed(schema["items"], where + "[]");
  if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
    ExpectDescribed(schema["additionalProperties"], where + ".*");
  }
}

TEST(JsonSchema, EveryFieldHasADescriptionAndObjectsRejectUnknownFields) {
  for (Kind kind : {Kind::kSite, Kind::kService, Kind::kReplication}) {
    ExpectDescribed(nlohmann::json::parse(JsonSchemaFor(kind)), KindName(kind));
  }
}

TEST(JsonSchema, CrdsAreEmbeddedVerbatim) {
  EXPECT_EQ(std::string(CrdYaml(Kind::kService)),
            testing::ReadText(std::string(SWARMOP_SOURCE_DIR) + "/crds/service.yaml"));
}

}  // namespace
}  // namespace swarmop::crds
