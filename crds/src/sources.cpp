// Reading manifests from files, directories and stdin; recognising swarmop manifests cheaply.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "swarmop/crds/load.h"

namespace swarmop::crds {
namespace {

namespace fs = std::filesystem;

bool IsManifestFile(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status AddDirectory(const std::string& dir, std::vector<SourceFile>& out) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file() && IsManifestFile(it->path())) paths.push_back(it->path().string());
  }
  if (ec) return NotFoundError("cannot list " + dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    StatusOr<std::string> content = ReadFile(path);
    if (!content.ok()) return content.status();
    out.push_back({path, std::move(content).value()});
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<SourceFile>> ReadSources(const std::vector<std::string>& paths) {
  std::vector<SourceFile> out;
  for (const std::string& path : paths) {
    if (path == "-") {
      out.push_back({"-", std::string(std::istreambuf_iterator<char>(std::cin), {})});
    } else if (fs::is_directory(path)) {
      SWARMOP_RETURN_IF_ERROR(AddDirectory(path, out));
    } else {
      StatusOr<std::string> content = ReadFile(path);
      if (!content.ok()) return content.status();
      out.push_back({path, std::move(content).value()});
    }
  }
  return out;
}

SourceFile ConfigSource(std::string_view config_name, std::string content) {
  return {"config:" + std::string(config_name), std::move(content)};
}

bool LooksLikeSwarmopSpec(std::string_view content) {
  size_t pos = 0;
  while ((pos = content.find("apiVersion:", pos)) != std::string_view::npos) {
    bool line_start = pos == 0 || content[pos - 1] == '\n';
    size_t value = content.find_first_not_of(" \t\"'", pos + 11);
    pos += 11;
    if (line_start && value != std::string_view::npos && content.substr(value, 11) == "swarmop.io/")
      return true;
  }
  return false;
}

}  // namespace swarmop::crds
