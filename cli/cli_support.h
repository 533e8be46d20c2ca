// What the subcommands share: exit codes, one-line errors, connecting to the engine, reading manifests,
// printing tables and ages. Output goes to stdout; errors and diagnostics to stderr.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/diagnostic.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/engine.h"
#include "swarmop/engine/registry_auth.h"

namespace swarmop::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // validation error, diff has changes, not converged
inline constexpr int kExitError = 2;   // usage or engine error

// Thrown by a command to end the program with `code`; main() catches it. The message is already printed.
struct CommandExit {
  int code;
};

// Prints "swarmop: <message>" on stderr (one line) and throws CommandExit{code}.
[[noreturn]] void Fail(int code, const std::string& message);
// Fail(kExitError, context + ": " + status message).
[[noreturn]] void FailOnEngineError(const Status& status, const std::string& context);

// Connects to the engine DOCKER_HOST & co. name. Unreachable: one line naming the address and the likely
// fix, exit 2. `registry_auth` (may be null) goes along as X-Registry-Auth on service creates and image
// changes.
std::unique_ptr<engine::Engine> ConnectFromEnvironment(
    std::shared_ptr<const engine::RegistryAuth> registry_auth = nullptr);

// Registry credentials as the docker CLI reads them ($DOCKER_CONFIG/config.json, else ~/.docker/config.json;
// none when absent), or from `file` (a docker config.json, e.g. a Swarm secret) when it is not empty.
// Malformed or unreadable: one line, exit 2. Only registry names are ever printed, never a credential.
std::shared_ptr<const engine::RegistryAuth> RegistryAuthOrFail(const std::string& file = "");

// The --env flag, or SWARMOP_ENV when the flag is empty.
std::string EnvironmentName(const std::string& flag);

// crds::ReadSources, exiting 2 with one line on an unreadable path.
std::vector<crds::SourceFile> ReadSourcesOrFail(const std::vector<std::string>& paths);

// Prints diagnostics to stderr, one per line, then "2 errors in 1 file".
void PrintDiagnostics(const std::vector<crds::Diagnostic>& errors);
// "1 error in 1 file", "3 errors in 2 files".
std::string ErrorSummary(const std::vector<crds::Diagnostic>& errors);

// Rows -> columns padded to their widest cell, three spaces apart; the first row is the header.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// "45s", "12m", "3h", "5d" since `engine_time` (an engine RFC 3339 timestamp); "?" when malformed.
std::string FormatAge(const std::string& engine_time,
                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// A duration flag's value ("90s", "1h30m", "500ms": the grammar manifests use, base/duration.h) in
// milliseconds. Exits 2 naming the flag when malformed, or when `positive` and not above zero.
enum class DurationSign { kZeroAllowed, kPositive };
std::chrono::milliseconds DurationFlagOrFail(const std::string& flag, const std::string& text,
                                             DurationSign sign = DurationSign::kZeroAllowed);

enum class OutputFormat { kTable, kYaml, kJson };
// "table" | "yaml" | "json"; exits 2 otherwise.
OutputFormat ParseOutputFormat(const std::string& text);

}  // namespace swarmop::cli
