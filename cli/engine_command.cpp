// swarmop engine info: what swarmop sees of the engine DOCKER_HOST names, and the swarm's nodes.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli_support.h"
#include "commands.h"

namespace swarmop::cli {
namespace {

std::string JoinLabels(const std::map<std::string, std::string>& labels) {
  std::string text;
  for (const auto& [key, value] : labels) text += (text.empty() ? "" : ",") + key + "=" + value;
  return text.empty() ? "-" : text;
}

std::string ManagerColumn(const engine::Node& node) {
  if (!node.manager_status) return "-";
  return node.manager_status->leader ? "leader" : node.manager_status->reachability;
}

void PrintNodes(engine::Engine& engine) {
  auto nodes = engine.ListNodes({});
  if (!nodes.ok()) {
    std::cout << "Nodes:     not available (" << nodes.status().message() << ")\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "HOSTNAME", "ROLE", "AVAILABILITY", "STATE", "MANAGER", "ADDRESS", "LABELS"}};
  for (const engine::Node& node : *nodes) {
    rows.push_back({node.id.substr(0, 12), node.hostname, node.spec.role, node.spec.availability, node.state,
                    ManagerColumn(node), node.addr, JoinLabels(node.spec.labels)});
  }
  std::cout << "Nodes:\n" << FormatTable(rows);
}

void RunEngineInfo() {
  auto endpoint = engine::EndpointFromEnvironment();
  std::unique_ptr<engine::Engine> engine = ConnectFromEnvironment();
  auto version = engine->Version();
  if (!version.ok()) FailOnEngineError(version.status(), "engine version");
  auto info = engine->Info();
  if (!info.ok()) FailOnEngineError(info.status(), "engine info");

  std::cout << "Engine:    " << endpoint->ToString() << " (" << info->name << ")\n"
            << "Version:   " << version->version << " (" << version->os << "/" << version->arch << ")\n"
            << "API:       " << engine->ApiVersion() << " negotiated (engine speaks "
            << version->min_api_version << " to " << version->api_version << ")\n";
  std::string swarm = info->swarm_state.empty() ? "inactive" : info->swarm_state;
  if (info->swarm_state == "active") {
    swarm += info->control_available ? ", this node is a manager" : ", this node is a worker";
    swarm += " (node " + info->node_id.substr(0, 12) + ", " + std::to_string(info->managers) +
             " manager(s), " + std::to_string(info->nodes) + " node(s))";
  }
  std::cout << "Swarm:     " << swarm << "\n";
  if (info->swarm_state != "active") {
    std::cout << "Nodes:     none: this engine is not part of a swarm (docker swarm init)\n";
    return;
  }
  if (!info->control_available) {
    std::cout << "Nodes:     not listed: only a manager can list nodes; point DOCKER_HOST at a manager\n";
    return;
  }
  PrintNodes(*engine);
}

}  // namespace

void AddEngineCommand(CLI::App& app) {
  CLI::App* group = app.add_subcommand("engine", "the Docker engine swarmop talks to (DOCKER_HOST)");
  group->require_subcommand(1);
  CLI::App* info =
      group->add_subcommand("info", "engine and API version, swarm state, nodes with their labels");
  info->callback(RunEngineInfo);
}

}  // namespace swarmop::cli
