// The estate, running for real on a 3-node stretched swarm: manifests/demo applied by the real swarmop
// binary; PostgreSQL 15 (primary in the cloud, streaming read replicas and logical local writers at the
// edges) and the Django identity API, both built from Debian packages (images/build.sh). Tests run in order
// on one estate: each leaves it converged for the next.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "estate_harness.h"

namespace swarmop::estate_it {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

double Millis(SteadyClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string Percentiles(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[static_cast<size_t>(q * (ms.size() - 1))]; };
  std::ostringstream out;
  out << "p50 " << at(0.5) << " ms, p99 " << at(0.99) << " ms, max " << ms.back() << " ms over " << ms.size();
  return out.str();
}

// The cloud API reads from the primary (the cloud has no read replica).
bool CloudHas(const EstateHarness& estate, const std::string& id) {
  return estate.Api("cloud", "GET", "/accounts/" + id).status == 200;
}

class Estate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = EstateHarness::Start();
    if (!started.ok()) {
      start_error_ = new std::string(started.status().ToString());
      return;
    }
    estate_ = started->release();
  }
  static void TearDownTestSuite() {
    delete estate_;
    estate_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
  }
  void SetUp() override {
    // Fails, never skips: the estate must run here.
    ASSERT_EQ(start_error_, nullptr) << *start_error_;
  }
  EstateHarness& estate() { return *estate_; }

  static EstateHarness* estate_;
  static std::string* start_error_;
};
EstateHarness* Estate::estate_ = nullptr;
std::string* Estate::start_error_ = nullptr;

TEST_F(Estate, AnAccountWrittenAtAnEdgeIsInItsLocalWriterAtOnceAndInTheCloudWithinSeconds) {
  for (const std::string site : {"douala", "yaounde"}) {
    auto id = estate().CreateAccount(site, "first-at-" + site);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    auto local = estate().Sql(site, "users-db-" + site + "-local",
                              "SELECT site FROM accounts_account WHERE id = '" + *id + "'");
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    EXPECT_EQ(*local, site) << "the local writer has the row the moment the API answered";
    ASSERT_TRUE(Eventually([&] { return CloudHas(estate(), *id); }, 30s, 50ms))
        << "account " << *id << " written at " << site << " never reached the cloud";
    auto cloud =
        estate().Sql("cloud", "users-db-cloud", "SELECT site FROM accounts_account WHERE id = '" + *id + "'");
    ASSERT_TRUE(cloud.ok()) << cloud.status().ToString();
    EXPECT_EQ(*cloud, site) << "same UUID, and the writing site is kept";
  }
}

TEST_F(Estate, WriteToCloudLatencyOverAHundredWritesAtDouala) {
  std::vector<double> latencies;
  for (int i = 0; i < 100; ++i) {
    auto t0 = SteadyClock::now();
    auto id = estate().CreateAccount("douala", "latency-" + std::to_string(i));
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_TRUE(Eventually([&] { return CloudHas(estate(), *id); }, 30s, 10ms)) << *id << " never arrived";
    latencies.push_back(Millis(SteadyClock::now() - t0));
  }
  EstateHarness::Log("write at douala -> readable in the cloud: " + Percentiles(latencies));
}

TEST_F(Estate, ARowWrittenAtTheCloudPrimaryIsReadThroughDoualasApiFromItsReadReplica) {
  auto id = estate().CreateAccount("cloud", "written-in-the-cloud");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(
      Eventually([&] { return estate().Api("douala", "GET", "/accounts/" + *id).status == 200; }, 30s, 50ms))
      << "douala's API never read the cloud's row";
  // It came through the read replica, not douala's local writer (which only holds douala's own rows).
  auto replica =
      estate().Sql("douala", "users-db-douala", "SELECT site FROM accounts_account WHERE id = '" + *id + "'");
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  EXPECT_EQ(*replica, "cloud");
  auto writer = estate().Sql("douala", "users-db-douala-local",
                             "SELECT count(*) FROM accounts_account WHERE id = '" + *id + "'");
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_EQ(*writer, "0");
  auto in_recovery = estate().Sql("douala", "users-db-douala", "SELECT pg_is_in_recovery()");
  ASSERT_TRUE(in_recovery.ok());
  EXPECT_EQ(*in_recovery, "t") << "users-db-douala is a streaming standby";
}

// promtool (in Debian's prometheus package, so in the image) asks the Prometheus HTTP API from inside its
// task.
StatusOr<std::string> PrometheusQuery(const EstateHarness& estate, const std::string& query) {
  return estate.Exec("cloud", "prometheus-cloud",
                     "promtool query instant http://127.0.0.1:9090 '" + query + "'");
}

// Lines of `promtool query instant` output: `up{instance="...", job="identity-api", site="douala"} => 1
// @[...]`.
int CountUp(const std::string& answer, const std::string& must_contain, const std::string& and_contain = "") {
  int up = 0;
  std::istringstream lines(answer);
  for (std::string line; std::getline(lines, line);) {
    bool match = line.find(must_contain) != std::string::npos && line.find(and_contain) != std::string::npos;
    if (match && line.find("=> 1 @") != std::string::npos) ++up;
  }
  return up;
}

TEST_F(Estate, PrometheusInTheSwarmScrapesSwarmopAndTheApiAtEverySiteThroughSwarmDiscovery) {
  std::string answer;
  bool all_up = Eventually(
      [&] {
        auto queried = PrometheusQuery(estate(), "up");
        answer = queried.ok() ? *queried : queried.status().ToString();
        return CountUp(answer, "job=\"swarmop\"") == 1 && CountUp(answer, "job=\"identity-api\"") == 3;
      },
      180s, 2s);
  EXPECT_TRUE(all_up) << "Prometheus' `up`:\n" << answer;
  for (const std::string site : {"cloud", "douala", "yaounde"}) {
    EXPECT_EQ(CountUp(answer, "job=\"identity-api\"", "site=\"" + site + "\""), 1)
        << "the identity API at " << site << " is up with its site label:\n"
        << answer;
  }
  EstateHarness::Log("Prometheus `up`:\n" + answer);
  auto leader = PrometheusQuery(estate(), "swarmop_leader");
  ASSERT_TRUE(leader.ok()) << leader.status().ToString();
  EXPECT_EQ(CountUp(*leader, "swarmop_leader"), 1) << *leader;
}

// swarmop's own engine writes, from its /metrics (public in the stack file).
StatusOr<double> OperatorWrites(const EstateHarness& estate) {
  auto metrics =
      estate.Exec("cloud", EstateHarness::kOperatorService, "wget -q -O - http://127.0.0.1:8080/metrics");
  if (!metrics.ok()) return metrics.status();
  double writes = 0;
  std::istringstream lines(*metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("swarmop_engine_calls_total{", 0) != 0) continue;
    bool write = line.find("verb=\"create ") != std::string::npos ||
                 line.find("verb=\"update ") != std::string::npos ||
                 line.find("verb=\"remove ") != std::string::npos;
    if (write) writes += std::atof(line.substr(line.rfind(' ') + 1).c_str());
  }
  return writes;
}

TEST_F(Estate, TheOperatorInTheSwarmWritesNothingToAConvergedEstate) {
  std::string container = estate().ContainerOf("cloud", EstateHarness::kOperatorService);
  ASSERT_FALSE(container.empty());
  CommandResult pid = Shell("/usr/bin/docker -H '" + estate().DockerHost("cloud") +
                            "' inspect -f '{{.State.Pid}}' " + container);
  ASSERT_EQ(pid.exit_code, 0) << pid.output;
  std::string proc = "/proc/" + std::to_string(std::atoi(pid.output.c_str()));
  auto cpu_ticks = [&] {
    // utime + stime: fields 14 and 15 of /proc/PID/stat
    CommandResult stat = Shell("awk '{print $14 + $15}' " + proc + "/stat");
    return std::atof(stat.output.c_str());
  };
  ASSERT_TRUE(Eventually([&] { return OperatorWrites(estate()).ok(); }, 30s));
  auto before = OperatorWrites(estate());
  double ticks_before = cpu_ticks();
  std::this_thread::sleep_for(30s);
  double ticks_after = cpu_ticks();
  auto after = OperatorWrites(estate());
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(*after, *before) << "writes to a converged estate";
  CommandResult rss = Shell("awk '/VmRSS/ {print $2}' " + proc + "/status");
  double cpu_percent = (ticks_after - ticks_before) / static_cast<double>(::sysconf(_SC_CLK_TCK)) / 30 * 100;
  EstateHarness::Log("operator steady state over 30 s: " + std::to_string(cpu_percent) +
                     " % of a core, RSS " + std::to_string(std::atoi(rss.output.c_str()) / 1024) + " MiB, " +
                     std::to_string(*after - *before) + " writes (" + std::to_string(*after) +
                     " since start)");
}

TEST_F(Estate, RowsWrittenAtDoualaWhileItsLinkIsCutAllArriveInTheCloudAfterTheHeal) {
  auto yaounde_before = estate().AccountIds("cloud", "users-db-cloud", "yaounde");
  auto douala_before = estate().AccountIds("cloud", "users-db-cloud", "douala");
  ASSERT_TRUE(yaounde_before.ok() && douala_before.ok());

  ASSERT_TRUE(estate().bed().Partition("douala").ok());
  auto cut = SteadyClock::now();
  std::set<std::string> written;
  for (int i = 0; i < 100; ++i) {
    auto id = estate().CreateAccount("douala", "partitioned-" + std::to_string(i));
    ASSERT_TRUE(id.ok()) << "douala keeps taking writes while cut off: " << id.status().ToString();
    written.insert(*id);
  }
  auto local = estate().AccountIds("douala", "users-db-douala-local", "douala");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_TRUE(std::includes(local->begin(), local->end(), written.begin(), written.end()));
  // Long enough for the manager to mark douala down (about 12 s): the partition a site really suffers.
  std::this_thread::sleep_until(cut + 20s);
  auto during = estate().AccountIds("cloud", "users-db-cloud", "douala");
  ASSERT_TRUE(during.ok());
  EXPECT_EQ(*during, *douala_before) << "nothing crosses a cut link";

  ASSERT_TRUE(estate().bed().Heal("douala").ok());
  auto healed = SteadyClock::now();
  std::set<std::string> expected = *douala_before;
  expected.insert(written.begin(), written.end());
  std::set<std::string> arrived;
  bool all_there = Eventually(
      [&] {
        auto now = estate().AccountIds("cloud", "users-db-cloud", "douala");
        if (now.ok()) arrived = *now;
        return arrived == expected;
      },
      180s, 500ms);
  EstateHarness::Log("heal -> all 100 partitioned rows in the cloud: " +
                     std::to_string(Millis(SteadyClock::now() - healed) / 1000) + " s");
  std::vector<std::string> missing;
  std::set_difference(expected.begin(), expected.end(), arrived.begin(), arrived.end(),
                      std::back_inserter(missing));
  EXPECT_TRUE(all_there) << missing.size() << " of the rows never arrived, e.g. "
                         << (missing.empty() ? "" : missing.front());
  auto duplicates =
      estate().Sql("cloud", "users-db-cloud", "SELECT count(*) - count(DISTINCT id) FROM accounts_account");
  ASSERT_TRUE(duplicates.ok());
  EXPECT_EQ(*duplicates, "0");
  auto yaounde_after = estate().AccountIds("cloud", "users-db-cloud", "yaounde");
  ASSERT_TRUE(yaounde_after.ok());
  EXPECT_EQ(*yaounde_after, *yaounde_before) << "the other site's rows were not touched";
}

TEST_F(Estate, AKilledCloudPrimaryComesBackOnItsNodeWithItsVolumeAndLosesNoCommittedRow) {
  auto id = estate().CreateAccount("cloud", "before-the-kill");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto before = estate().AccountIds("cloud", "users-db-cloud");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  std::string killed = estate().ContainerOf("cloud", "users-db-cloud");
  ASSERT_FALSE(killed.empty());
  std::string docker = "/usr/bin/docker -H '" + estate().DockerHost("cloud") + "'";
  ASSERT_EQ(Shell(docker + " kill -s KILL " + killed).exit_code, 0);

  auto killed_at = SteadyClock::now();
  std::string replacement;
  ASSERT_TRUE(Eventually(
      [&] {
        replacement = estate().ContainerOf("cloud", "users-db-cloud");
        return !replacement.empty() && replacement != killed &&
               estate().Sql("cloud", "users-db-cloud", "SELECT 1").ok();
      },
      120s, 500ms))
      << "Swarm never restarted the primary on the cloud node";
  EstateHarness::Log("SIGKILL of the primary -> answering again: " +
                     std::to_string(Millis(SteadyClock::now() - killed_at) / 1000) + " s");
  CommandResult volume = Shell(docker + " inspect -f '{{range .Mounts}}{{.Name}} {{end}}' " + replacement);
  EXPECT_NE(volume.output.find("users-pg-data-cloud"), std::string::npos) << volume.output;
  auto after = estate().AccountIds("cloud", "users-db-cloud");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  std::vector<std::string> lost;
  std::set_difference(before->begin(), before->end(), after->begin(), after->end(), std::back_inserter(lost));
  EXPECT_TRUE(lost.empty()) << lost.size() << " committed rows lost, e.g. " << lost.front();
  EstateHarness::Log("rows lost: " + std::to_string(lost.size()) + " of " + std::to_string(before->size()));
}

}  // namespace
}  // namespace swarmop::estate_it
