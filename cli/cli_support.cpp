#include "cli_support.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>
#include <sstream>

#include "swarmop/base/duration.h"
#include "swarmop/reconciler/store/spec_store.h"

namespace swarmop::cli {

void Fail(int code, const std::string& message) {
  std::cerr << "swarmop: " << message << "\n";
  throw CommandExit{code};
}

void FailOnEngineError(const Status& status, const std::string& context) {
  Fail(kExitError, context + ": " + status.message());
}

std::shared_ptr<const engine::RegistryAuth> RegistryAuthOrFail(const std::string& file) {
  auto auth =
      file.empty() ? engine::RegistryAuth::FromDockerCliConfig() : engine::RegistryAuth::FromFile(file);
  if (!auth.ok()) Fail(kExitError, "registry credentials: " + auth.status().message());
  return std::make_shared<const engine::RegistryAuth>(std::move(auth).value());
}

std::unique_ptr<engine::Engine> ConnectFromEnvironment(
    std::shared_ptr<const engine::RegistryAuth> registry_auth) {
  auto endpoint = engine::EndpointFromEnvironment();
  if (!endpoint.ok()) Fail(kExitError, "DOCKER_HOST: " + endpoint.status().message());
  endpoint->registry_auth = std::move(registry_auth);
  auto connected = engine::Connect(*endpoint);
  if (!connected.ok()) {
    // engine-client's message already names the address and the usual fix; add them only when it does not.
    const std::string& message = connected.status().message();
    if (message.find(endpoint->ToString()) != std::string::npos) Fail(kExitError, message);
    // Set-up errors (unreadable TLS files) happen before any connection: the dockerd hint would mislead.
    if (connected.status().code() == Code::kInvalidArgument) {
      Fail(kExitError, "cannot use the Docker engine at " + endpoint->ToString() + ": " + message);
    }
    Fail(kExitError, "cannot reach the Docker engine at " + endpoint->ToString() + ": " + message +
                         " (is dockerd running there? set DOCKER_HOST to a swarm manager)");
  }
  return std::move(connected).value();
}

std::string EnvironmentName(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("SWARMOP_ENV");
  return env == nullptr ? std::string() : std::string(env);
}

std::vector<crds::SourceFile> ReadSourcesOrFail(const std::vector<std::string>& paths) {
  auto sources = crds::ReadSources(paths);
  if (!sources.ok()) Fail(kExitError, sources.status().message());
  if (sources->empty()) Fail(kExitError, "no manifests (*.yaml, *.yml) found in the given paths");
  return std::move(sources).value();
}

std::string ErrorSummary(const std::vector<crds::Diagnostic>& errors) {
  return crds::DiagnosticsSummary(errors);
}

void PrintDiagnostics(const std::vector<crds::Diagnostic>& errors) {
  std::cerr << crds::FormatDiagnostics(errors) << ErrorSummary(errors) << "\n";
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::ostringstream out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    out << line << "\n";
  }
  return out.str();
}

std::string FormatAge(const std::string& engine_time, std::chrono::system_clock::time_point now) {
  auto when = reconciler::ParseEngineTime(engine_time);
  if (!when) return "?";
  const auto seconds =
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(now - *when).count());
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 2 * 3600) return std::to_string(seconds / 60) + "m";
  if (seconds < 48 * 3600) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

std::chrono::milliseconds DurationFlagOrFail(const std::string& flag, const std::string& text,
                                             DurationSign sign) {
  const std::optional<std::chrono::nanoseconds> parsed = ParseDuration(text);
  if (!parsed)
    Fail(kExitError, flag + " " + text + ": not a duration (a number and a unit: 90s, 5m, 1h30m, 500ms)");
  if (sign == DurationSign::kPositive && parsed->count() <= 0)
    Fail(kExitError, flag + " " + text + ": must be above zero");
  return std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
}

OutputFormat ParseOutputFormat(const std::string& text) {
  if (text == "table" || text == "wide" || text.empty()) return OutputFormat::kTable;
  if (text == "yaml") return OutputFormat::kYaml;
  if (text == "json") return OutputFormat::kJson;
  Fail(kExitError, "unknown output format '" + text + "': use table, yaml or json");
}

}  // namespace swarmop::cli
