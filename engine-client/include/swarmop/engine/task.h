// Task model: one scheduled instance of a service (read-only).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace swarmop::engine {

struct TaskStatus {
  std::string state;  // new ... running, complete, shutdown, failed, rejected, orphaned
  std::string message;
  std::string err;  // e.g. "no suitable node (scheduling constraints not satisfied on 1 node)"
  std::string timestamp;
  std::string container_id;
  std::optional<int64_t> exit_code;
};

struct Task {
  std::string id;
  uint64_t version = 0;
  std::string service_id;
  std::string node_id;  // empty until scheduled
  uint64_t slot = 0;    // 0 for global services
  std::string desired_state;
  TaskStatus status;
  std::optional<uint64_t> job_iteration;  // JobIteration.Index, job modes only
  std::map<std::string, std::string> labels;
  std::string created_at;
  std::string updated_at;
};

}  // namespace swarmop::engine
