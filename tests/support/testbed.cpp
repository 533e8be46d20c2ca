#include "testbed.h"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>

namespace swarmop::testsupport {
namespace {

// Beds alive now, so a signal can still take them down.
std::mutex g_beds_mu;
std::set<std::string> g_beds;

int Run(const std::string& command) {
  std::cerr << "[testbed] " << command << "\n";
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

std::string Script() { return SWARMOP_TESTBED_SCRIPT; }

void DownDir(const std::string& dir) { Run(Script() + " down --dir " + dir + " >&2"); }

extern "C" void OnSignal(int sig) {
  // Not async-signal-safe, but the alternative is leaking daemons and namespaces on the machine.
  std::set<std::string> beds;
  {
    std::lock_guard<std::mutex> lock(g_beds_mu);
    beds = g_beds;
  }
  for (const auto& dir : beds) DownDir(dir);
  std::_Exit(128 + sig);
}

void InstallSignalHandlers() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
}

}  // namespace

StatusOr<std::unique_ptr<TestBed>> TestBed::Up(const std::string& layout) {
  InstallSignalHandlers();
  char tmpl[] = "/tmp/swarmop-sites-it.XXXXXX";
  if (!::mkdtemp(tmpl)) return InternalError("mkdtemp failed");
  std::unique_ptr<TestBed> bed(new TestBed(tmpl));
  {
    std::lock_guard<std::mutex> lock(g_beds_mu);
    g_beds.insert(bed->dir_);
  }
  auto start = std::chrono::steady_clock::now();
  int rc = Run(Script() + " up --nodes 3 --layout " + layout + " --dir " + bed->dir_ + " >/dev/null");
  bed->up_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (rc != 0) {
    return UnavailableError("testbed.sh up --nodes 3 --layout " + layout + " failed (exit " +
                            std::to_string(rc) + "); it must run as root, see tests/testbed/README.md");
  }
  SWARMOP_RETURN_IF_ERROR(bed->ReadState());
  return bed;
}

// DIR/state lines: "site <site> <netns> <veth> <ip>".
Status TestBed::ReadState() {
  std::ifstream in(dir_ + "/state");
  if (!in) return InternalError("cannot read " + dir_ + "/state");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string kind, site;
    BedSite bed_site;
    fields >> kind >> site >> bed_site.netns >> bed_site.veth >> bed_site.ip;
    if (kind != "site") continue;
    bed_site.socket = dir_ + "/" + site + "/docker.sock";
    sites_[site] = bed_site;
  }
  if (sites_.size() != 3) return InternalError("expected 3 sites in " + dir_ + "/state");
  return Status::Ok();
}

Status TestBed::Partition(const std::string& site) {
  if (Run(Script() + " partition " + site + " --dir " + dir_ + " >&2") != 0) {
    return InternalError("partition " + site + " failed");
  }
  return Status::Ok();
}

Status TestBed::Heal(const std::string& site) {
  if (Run(Script() + " heal " + site + " --dir " + dir_ + " >&2") != 0) {
    return InternalError("heal " + site + " failed");
  }
  return Status::Ok();
}

void TestBed::Down() {
  DownDir(dir_);
  std::lock_guard<std::mutex> lock(g_beds_mu);
  g_beds.erase(dir_);
}

TestBed::~TestBed() { Down(); }

}  // namespace swarmop::testsupport
