// How people see sites: the `swarmop get sites` table and the Prometheus lines appended to GET /metrics.
// (The /api/v1/status JSON is built by the controller's status_json.cpp from the same SiteSnapshot.)
// Thread-safety: pure functions over values.
#pragma once

#include <string>

#include "swarmop/reconciler/sites/site_monitor.h"

namespace swarmop::reconciler {

// SITE     HEALTH       SINCE                 FAILOVER            REASON
// douala   Unreachable  2026-11-27T06:01:02Z  yaounde takes over  0/1 nodes ready: douala down
// followed by the manager placement warnings, one per line ("warning: ...").
std::string FormatSitesTable(const SiteSnapshot& snapshot);

// Prometheus text exposition format 0.0.4:
//   swarmop_site_health{site="douala",state="Ready|Degraded|Unreachable"} 0|1   (one line per state)
//   swarmop_site_last_transition_timestamp_seconds{site="douala"} 1795759262
//   swarmop_site_failed_over{site="douala",partner="yaounde"} 1   (present only while failed over)
//   swarmop_failovers_total 1   swarmop_failbacks_total 0
std::string SiteMetricsText(const SiteSnapshot& snapshot);

}  // namespace swarmop::reconciler
