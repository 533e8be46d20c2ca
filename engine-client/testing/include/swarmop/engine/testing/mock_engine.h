// MockEngine: a GMock mock of swarmop::engine::Engine for tests in any folder.
// Link the CMake target swarmop_engine_testing. For counting calls around a fake, see CountingEngine.
#pragma once

#include <gmock/gmock.h>

#include "swarmop/engine/engine.h"

namespace swarmop::engine::testing {

class MockEngine : public Engine {
 public:
  MOCK_METHOD(std::string, ApiVersion, (), (const, override));
  MOCK_METHOD(Status, Ping, (), (override));
  MOCK_METHOD(StatusOr<SystemInfo>, Info, (), (override));
  MOCK_METHOD(StatusOr<VersionInfo>, Version, (), (override));
  MOCK_METHOD(StatusOr<std::vector<Service>>, ListServices, (const ListFilter&), (override));
  MOCK_METHOD(StatusOr<Service>, InspectService, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::string>, CreateService, (const ServiceSpec&), (override));
  MOCK_METHOD(Status, UpdateService, (const std::string&, uint64_t, const ServiceSpec&), (override));
  MOCK_METHOD(Status, RemoveService, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::vector<Task>>, ListTasks, (const TaskFilter&), (override));
  MOCK_METHOD(StatusOr<std::vector<Node>>, ListNodes, (const ListFilter&), (override));
  MOCK_METHOD(StatusOr<Node>, InspectNode, (const std::string&), (override));
  MOCK_METHOD(Status, UpdateNode, (const std::string&, uint64_t, const NodeSpec&), (override));
  MOCK_METHOD(StatusOr<std::vector<Config>>, ListConfigs, (const ListFilter&), (override));
  MOCK_METHOD(StatusOr<Config>, InspectConfig, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::string>, CreateConfig, (const ConfigSpec&), (override));
  MOCK_METHOD(Status, UpdateConfig, (const std::string&, uint64_t, const ConfigSpec&), (override));
  MOCK_METHOD(Status, RemoveConfig, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::vector<Secret>>, ListSecrets, (const ListFilter&), (override));
  MOCK_METHOD(StatusOr<Secret>, InspectSecret, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::string>, CreateSecret, (const SecretSpec&), (override));
  MOCK_METHOD(Status, UpdateSecret, (const std::string&, uint64_t, const SecretSpec&), (override));
  MOCK_METHOD(Status, RemoveSecret, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::vector<Network>>, ListNetworks, (const ListFilter&), (override));
  MOCK_METHOD(StatusOr<Network>, InspectNetwork, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::string>, CreateNetwork, (const NetworkSpec&), (override));
  MOCK_METHOD(Status, RemoveNetwork, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::unique_ptr<EventStream>>, Events, (const EventFilter&), (override));
};

}  // namespace swarmop::engine::testing
