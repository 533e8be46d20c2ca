// The mongosh scripts the MongoDB jobs run. They read the replica set config from a mounted JSON file and
// the keyFile from its secret, so the same script text serves every replication and version.
#pragma once

#include <string>

namespace swarmop::reconciler::replication {

// rs.initiate(config) on the highest-priority member, unless the set is already initiated.
std::string MongoInitiateScript(const std::string& config_path, const std::string& key_file_path);

// replSetReconfig to the config's members unless the running version is already >= the config's, then
// waits until every member of the config is PRIMARY or SECONDARY (the job completes only then).
std::string MongoReconfigScript(const std::string& config_path, const std::string& key_file_path);

}  // namespace swarmop::reconciler::replication
