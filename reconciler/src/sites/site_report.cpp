#include "swarmop/reconciler/sites/site_report.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "swarmop/reconciler/store/spec_status.h"

namespace swarmop::reconciler {
namespace {

const ActiveFailover* FindActive(const SiteSnapshot& snapshot, const std::string& site) {
  auto it = std::find_if(snapshot.active.begin(), snapshot.active.end(),
                         [&](const ActiveFailover& a) { return a.site == site; });
  return it == snapshot.active.end() ? nullptr : &*it;
}

std::string FailoverColumn(const SiteSnapshot& snapshot, const std::string& site) {
  if (const ActiveFailover* active = FindActive(snapshot, site)) return active->partner + " takes over";
  for (const ActiveFailover& a : snapshot.active) {
    if (a.partner == site) return "carries " + a.site;
  }
  return "-";
}

int64_t UnixSeconds(Clock::WallTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string FormatSitesTable(const SiteSnapshot& snapshot) {
  std::ostringstream out;
  out << std::left << std::setw(12) << "SITE" << std::setw(13) << "HEALTH" << std::setw(22) << "SINCE"
      << std::setw(22) << "FAILOVER"
      << "REASON\n";
  for (const SiteHealth& h : snapshot.health) {
    out << std::setw(12) << h.site << std::setw(13) << SiteHealthName(h.reading.state) << std::setw(22)
        << FormatRfc3339(h.last_transition) << std::setw(22) << FailoverColumn(snapshot, h.site)
        << h.reading.reason << "\n";
  }
  if (snapshot.placement) {
    for (const std::string& warning : snapshot.placement->warnings) out << "warning: " << warning << "\n";
  }
  return out.str();
}

std::string SiteMetricsText(const SiteSnapshot& snapshot) {
  std::ostringstream out;
  out << "# HELP swarmop_site_health Site health: 1 for the current state.\n"
      << "# TYPE swarmop_site_health gauge\n";
  for (const SiteHealth& h : snapshot.health) {
    for (auto state : {SiteHealthState::kReady, SiteHealthState::kDegraded, SiteHealthState::kUnreachable}) {
      out << "swarmop_site_health{site=\"" << h.site << "\",state=\"" << SiteHealthName(state) << "\"} "
          << (h.reading.state == state ? 1 : 0) << "\n";
    }
  }
  out << "# HELP swarmop_site_last_transition_timestamp_seconds When the site's health last changed.\n"
      << "# TYPE swarmop_site_last_transition_timestamp_seconds gauge\n";
  for (const SiteHealth& h : snapshot.health) {
    out << "swarmop_site_last_transition_timestamp_seconds{site=\"" << h.site << "\"} "
        << UnixSeconds(h.last_transition) << "\n";
  }
  out << "# HELP swarmop_site_failed_over 1 while the site's partner carries its load.\n"
      << "# TYPE swarmop_site_failed_over gauge\n";
  for (const ActiveFailover& a : snapshot.active) {
    out << "swarmop_site_failed_over{site=\"" << a.site << "\",partner=\"" << a.partner << "\"} 1\n";
  }
  out << "# HELP swarmop_failovers_total Failovers started.\n# TYPE swarmop_failovers_total counter\n"
      << "swarmop_failovers_total " << snapshot.failovers << "\n"
      << "# HELP swarmop_failbacks_total Failbacks started.\n# TYPE swarmop_failbacks_total counter\n"
      << "swarmop_failbacks_total " << snapshot.failbacks << "\n";
  return out.str();
}

}  // namespace swarmop::reconciler
