#include "mongo_scripts.h"

namespace swarmop::reconciler::replication {
namespace {

// Shared prologue: config and key, and a connection authenticated as the internal __system user. Before
// initiation no user exists and a job is not on localhost (no localhost exception); the keyFile, the
// cluster's shared secret, is what members themselves authenticate with.
std::string Prologue(const std::string& config_path, const std::string& key_file_path) {
  return "// swarmop: generated; do not edit.\n"
         "const fs = require('fs');\n"
         "const config = JSON.parse(fs.readFileSync('" +
         config_path +
         "', 'utf8'));\n"
         "const key = fs.readFileSync('" +
         key_file_path +
         "', 'utf8').replace(/\\s/g, '');\n"
         "function connectAsCluster(uri) {\n"
         "  const conn = new Mongo(uri);\n"
         "  conn.getDB('local').auth('__system', key);\n"
         "  return conn.getDB('admin');\n"
         "}\n";
}

}  // namespace

std::string MongoInitiateScript(const std::string& config_path, const std::string& key_file_path) {
  return Prologue(config_path, key_file_path) +
         "const first = config.members.reduce((a, b) => (b.priority > a.priority ? b : a));\n"
         "const admin = connectAsCluster('mongodb://' + first.host + '/?directConnection=true');\n"
         "let status;\n"
         "try { status = admin.runCommand({replSetGetStatus: 1}); } catch (e) { status = {ok: 0}; }\n"
         "if (status.ok === 1) { print('swarmop: ' + config._id + ' is already initiated'); quit(0); }\n"
         "const result = admin.runCommand({replSetInitiate: config});\n"
         "if (result.ok !== 1) { printjson(result); quit(1); }\n"
         "print('swarmop: initiated ' + config._id + ' v' + config.version);\n";
}

std::string MongoReconfigScript(const std::string& config_path, const std::string& key_file_path) {
  return Prologue(config_path, key_file_path) +
         "const hosts = config.members.map((m) => m.host).join(',');\n"
         "const admin = connectAsCluster('mongodb://' + hosts + '/?replicaSet=' + config._id);\n"
         "const running = admin.runCommand({replSetGetConfig: 1}).config;\n"
         "if (running.version < config.version) {\n"
         "  // swarmop owns the members; settings (and replicaSetId) stay as the set has them.\n"
         "  const next = Object.assign({}, running, {version: config.version, members: config.members});\n"
         "  delete next.term;\n"
         "  const result = admin.runCommand({replSetReconfig: next});\n"
         "  if (result.ok !== 1) { printjson(result); quit(1); }\n"
         "  print('swarmop: ' + config._id + ' reconfigured to v' + config.version);\n"
         "}\n"
         "const deadline = Date.now() + 10 * 60 * 1000;\n"
         "function healthy() {\n"
         "  const states = admin.runCommand({replSetGetStatus: 1}).members;\n"
         "  return config.members.every((m) => states.some((s) => s.name === m.host && (s.state === 1 || "
         "s.state === 2)));\n"
         "}\n"
         "while (!healthy()) {\n"
         "  if (Date.now() > deadline) { print('swarmop: members not healthy yet'); quit(1); }\n"
         "  sleep(2000);\n"
         "}\n"
         "print('swarmop: every member of ' + config._id + ' v' + config.version + ' is healthy');\n";
}

}  // namespace swarmop::reconciler::replication
