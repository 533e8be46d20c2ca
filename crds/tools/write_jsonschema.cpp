// Writes <dir>/site.json, service.json, replication.json: plain JSON Schemas for editors, derived from the
// embedded CRDs (crds/*.yaml stay the single source of truth). Usage: crds_jsonschema_tool <dir>
#include <cctype>
#include <fstream>
#include <iostream>

#include "swarmop/crds/schemas.h"

int main(int argc, char** argv) {
  using swarmop::crds::Kind;
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <output-dir>\n";
    return 2;
  }
  for (Kind kind : {Kind::kSite, Kind::kService, Kind::kReplication}) {
    std::string name = swarmop::crds::KindName(kind);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string path = std::string(argv[1]) + "/" + name + ".json";
    std::ofstream out(path);
    out << swarmop::crds::JsonSchemaFor(kind);
    if (!out) {
      std::cerr << "cannot write " << path << "\n";
      return 1;
    }
    std::cout << "wrote " << path << "\n";
  }
  return 0;
}
