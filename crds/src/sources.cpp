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

// Reads at most limit + 1 bytes (enough to know the source is too big), then only counts the rest.
SourceFile ReadBounded(std::string path, std::istream& in, size_t limit) {
  SourceFile out{std::move(path), std::string(limit + 1, '\0')};
  in.read(out.content.data(), static_cast<std::streamsize>(out.content.size()));
  out.content.resize(static_cast<size_t>(in.gcount()));
  if (out.content.size() <= limit) return out;
  size_t total = out.content.size();
  char chunk[65536];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) total += static_cast<size_t>(in.gcount());
  out.original_size = total;
  return out;
}

StatusOr<SourceFile> ReadFile(const std::string& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec && size > limit) return SourceFile{path, "", static_cast<size_t>(size)};  // not read at all
  return ReadBounded(path, in, limit);
}

Status AddDirectory(const std::string& dir, std::vector<SourceFile>& out, size_t limit) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file() && IsManifestFile(it->path())) paths.push_back(it->path().string());
  }
  if (ec) return NotFoundError("cannot list " + dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    StatusOr<SourceFile> source = ReadFile(path, limit);
    if (!source.ok()) return source.status();
    out.push_back(std::move(source).value());
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<SourceFile>> ReadSources(const std::vector<std::string>& paths, size_t max_input_bytes) {
  std::vector<SourceFile> out;
  for (const std::string& path : paths) {
    if (path == "-") {
      out.push_back(ReadBounded("-", std::cin, max_input_bytes));
    } else if (fs::is_directory(path)) {
      SWARMOP_RETURN_IF_ERROR(AddDirectory(path, out, max_input_bytes));
    } else {
      StatusOr<SourceFile> source = ReadFile(path, max_input_bytes);
      if (!source.ok()) return source.status();
      out.push_back(std::move(source).value());
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
