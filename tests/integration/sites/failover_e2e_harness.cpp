#include "failover_e2e_harness.h"

namespace swarmop::sites_it {

int TrialsFromEnvironment() {
  const char* text = std::getenv("SWARMOP_FAILOVER_TRIALS");
  int trials = text ? std::atoi(text) : 1;
  return trials < 1 ? 1 : trials;
}

// "p50 x s, min y s, max z s over n"; p50 is the lower median.
std::string Summary(std::vector<double> values) {
  if (values.empty()) return "no values";
  std::sort(values.begin(), values.end());
  std::ostringstream out;
  out << "p50 " << values[(values.size() - 1) / 2] << " s, min " << values.front() << " s, max "
      << values.back() << " s over " << values.size() << " trial(s)";
  return out.str();
}

// ------------------------------------------------------------------------------------ the estate
// One manifest per config, as `docker config create` would store them by hand.
const std::vector<std::pair<std::string, std::string>>& Manifests() {
  static const std::vector<std::pair<std::string, std::string>> manifests = {
      {"e2e-site-cloud",
       "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: cloud\nspec:\n  role: cloud\n"
       "  nodeSelector: {site: cloud}\n  network: {encrypted: false}\n"},
      {"e2e-site-douala",
       "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: douala\nspec:\n  role: edge\n"
       "  nodeSelector: {site: douala}\n  failover: yaounde\n  network: {encrypted: false}\n"},
      {"e2e-site-yaounde",
       "apiVersion: swarmop.io/v1alpha1\nkind: Site\nmetadata:\n  name: yaounde\nspec:\n  role: edge\n"
       "  nodeSelector: {site: yaounde}\n  failover: douala\n  network: {encrypted: false}\n"},
      {"e2e-service-api",
       "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: api\nspec:\n"
       "  image: local/busybox:1\n  command: [sh, -c, \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n"
       "  sites:\n    douala: {replicas: 2}\n    yaounde: {replicas: 1}\n  failover: takeover\n"},
      {"e2e-service-front",
       "apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: front\nspec:\n"
       "  image: local/busybox:1\n  command: [sh, -c, \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n"
       "  sites:\n    douala: {replicas: 1}\n    yaounde: {replicas: 1}\n  failover: stay\n"},
  };
  return manifests;
}

// ------------------------------------------------------------------------------------ the bed
std::unique_ptr<TestBed> g_bed;
std::string g_bed_error;

TestBed* Bed() {
  if (!g_bed && g_bed_error.empty()) {
    auto bed = TestBed::Up("stretched");
    if (!bed.ok()) {
      g_bed_error = bed.status().ToString();
      return nullptr;
    }
    g_bed = std::move(bed).value();
    Measure("stretched 3-node test bed up", g_bed->up_seconds());
  }
  return g_bed.get();
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// glog lines ("I20261127 08:31:02.123456 4242 file.cc:12] message"; glog before 0.7 may print no year)
// whose message contains one of `marks`, as "YYYYMMDD HH:MM:SS.uuuuuu" wall-clock stamps (they sort as text).
std::vector<std::string> LogStamps(const std::string& log, const std::vector<std::string>& marks) {
  static const std::regex line_re(R"(^[IWEF](\d{4}|\d{8}) (\d{2}:\d{2}:\d{2}\.\d{6}) +\d+ [^\]]*\] (.*)$)");
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  const std::string year = std::to_string(1900 + tm.tm_year);
  std::vector<std::string> stamps;
  std::istringstream in(log);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!std::regex_match(line, m, line_re)) continue;
    const std::string message = m[3].str();
    if (std::none_of(marks.begin(), marks.end(),
                     [&](const std::string& mark) { return message.find(mark) != std::string::npos; }))
      continue;
    stamps.push_back((m[1].length() == 4 ? year : "") + m[1].str() + " " + m[2].str());
  }
  return stamps;
}

// The same stamp for a wall-clock time of the test (glog prints local time).
std::string GlogStamp(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  char out[64];
  std::snprintf(out, sizeof(out), "%04d%02d%02d %02d:%02d:%02d.%06lld", 1900 + tm.tm_year, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return out;
}

// Seconds since midnight of a LogStamps/GlogStamp stamp (the test runs within a day).
double StampSeconds(const std::string& stamp) {
  int h = 0, m = 0;
  double sec = 0;
  std::sscanf(stamp.c_str() + 9, "%d:%d:%lf", &h, &m, &sec);
  return h * 3600 + m * 60 + sec;
}

// /api/v1/status parsed; null when it does not answer or parse.
nlohmann::json StatusOf(const OperatorProcess& p) {
  auto reply = p.Get("/api/v1/status");
  if (reply.status != 200) return nullptr;
  return nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
}

// The "sites" entry of `site` in a status document; an empty object when absent.
nlohmann::json SiteOf(const nlohmann::json& status, const std::string& site) {
  if (!status.is_object() || !status.contains("sites") || !status["sites"].is_array())
    return nlohmann::json::object();
  for (const auto& s : status["sites"]) {
    if (s.is_object() && s.value("name", "") == site) return s;
  }
  return nlohmann::json::object();
}

// The "failover" object of `site`; an empty object when absent.
nlohmann::json FailoverOf(const nlohmann::json& status, const std::string& site) {
  nlohmann::json s = SiteOf(status, site);
  return s.is_object() && s.contains("failover") && s["failover"].is_object() ? s["failover"]
                                                                              : nlohmann::json::object();
}

// Whether the spec `kind`/`name` in a status document carries the condition FailedOver=True.
bool FailedOver(const nlohmann::json& status, const std::string& kind, const std::string& name) {
  if (!status.is_object() || !status.contains("specs") || !status["specs"].is_array()) return false;
  for (const auto& spec : status["specs"]) {
    if (!spec.is_object() || spec.value("kind", "") != kind || spec.value("name", "") != name) continue;
    if (!spec.contains("conditions") || !spec["conditions"].is_array()) return false;
    for (const auto& c : spec["conditions"]) {
      if (c.is_object() && c.value("type", "") == "FailedOver" && c.value("status", "") == "True")
        return true;
    }
  }
  return false;
}

}  // namespace swarmop::sites_it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int rc = RUN_ALL_TESTS();
  swarmop::sites_it::g_bed.reset();  // down before exit
  return rc;
}
