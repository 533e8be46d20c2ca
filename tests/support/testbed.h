// TestBed: a private 3-node swarm started with tests/testbed/testbed.sh for one test suite, always torn
// down (destructor, and on SIGINT/SIGTERM). Start-up failure is reported, never skipped.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "swarmop/base/status.h"

namespace swarmop::testsupport {

struct BedSite {
  std::string netns;   // network namespace name (ip netns), e.g. tb1a2b-douala
  std::string veth;    // root-side link that partition/heal toggles
  std::string ip;      // underlay address, e.g. 10.78.0.12
  std::string socket;  // the node's dockerd socket path
};

class TestBed {
 public:
  // `layout`: "stretched" or "separate".
  static StatusOr<std::unique_ptr<TestBed>> Up(const std::string& layout);
  ~TestBed();

  Status Partition(const std::string& site);
  Status Heal(const std::string& site);
  const std::map<std::string, BedSite>& sites() const { return sites_; }
  std::string DockerHost(const std::string& site) const { return "unix://" + sites_.at(site).socket; }
  double up_seconds() const { return up_seconds_; }

 private:
  explicit TestBed(std::string dir) : dir_(std::move(dir)) {}
  Status ReadState();
  void Down();

  std::string dir_;
  std::map<std::string, BedSite> sites_;
  double up_seconds_ = 0;
};

}  // namespace swarmop::testsupport
