// swarmop-rules.yml: the estate's alerts, over the metrics swarmop exports (reconciler/metrics.h,
// site_report.h, site_reconcilers.h) and the `up` of the tasks dockerswarm SD finds. Each alert has a
// `promtool test rules` case in tests/unit/reconciler/prometheus/swarmop-rules.test.yml.
#include "swarmop/reconciler/profiles/prometheus.h"

namespace swarmop::reconciler::profiles {

std::string RenderAlertRules() {
  return R"rules(# Rendered by swarmop (profile prometheus). Tested with promtool test rules.
groups:
  - name: swarmop-sites
    rules:
      - alert: SwarmopSiteUnreachable
        expr: max by (site) (swarmop_site_health{state="Unreachable"}) == 1
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: 'Site {{ $labels.site }} is unreachable'
          description: 'swarmop has seen site {{ $labels.site }} Unreachable (no Ready node, or its engine does not answer) for 2 minutes; its failover partner takes over after the failover grace.'
      - alert: SwarmopSiteEngineUnreachable
        expr: max by (site) (swarmop_site_loop_engine_reachable) == 0
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: 'The engine of separate site {{ $labels.site }} does not answer'
          description: 'swarmop cannot list the specs on the own swarm of site {{ $labels.site }}: it is not reconciled.'
      - alert: SwarmopFailoverInEffect
        expr: max by (site, partner) (swarmop_site_failed_over) == 1
        labels:
          severity: warning
        annotations:
          summary: 'Site {{ $labels.partner }} carries the load of site {{ $labels.site }}'
          description: 'A failover is in effect: the takeover Services of {{ $labels.site }} run at {{ $labels.partner }} until {{ $labels.site }} is Ready for the failback hold.'
  - name: swarmop-services
    rules:
      - alert: SwarmopServiceBelowDesiredReplicas
        expr: swarmop_service_running_tasks{mode="replicated"} < swarmop_service_desired_tasks{mode="replicated"}
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: '{{ $labels.service }} runs {{ $value }} tasks, fewer than desired, for 5 minutes'
          description: 'The Swarm service {{ $labels.service }} ({{ $labels.owner_kind }} {{ $labels.owner }}, site {{ $labels.site }}) has had fewer running tasks than desired for 5 minutes.'
      - alert: SwarmopReplicationJobFailing
        expr: swarmop_service_completed_tasks{owner_kind="Replication"} < swarmop_service_desired_tasks{owner_kind="Replication",mode="replicated-job"}
        for: 10m
        labels:
          severity: critical
        annotations:
          summary: 'Replication job {{ $labels.service }} has not completed for 10 minutes'
          description: 'The job {{ $labels.service }} of Replication {{ $labels.owner }} has not completed for 10 minutes: its tasks fail and are retried, or cannot be placed (docker service ps {{ $labels.service }}).'
      - alert: SwarmopScrapeTargetDown
        expr: up{service!=""} == 0
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'A task of {{ $labels.service }} at {{ $labels.site }} does not answer on /metrics'
          description: 'Prometheus could not scrape {{ $labels.instance }} ({{ $labels.swarm_service }} on node {{ $labels.node }}) for 5 minutes.'
  - name: swarmop-operator
    rules:
      - alert: SwarmopReconcileErrors
        expr: sum by (job, instance) (increase(swarmop_reconcile_total{result="error"}[5m])) > 0
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: 'swarmop reconciles keep failing on {{ $labels.instance }}'
          description: 'Reconciles have ended in errors for 10 minutes ({{ $value }} in the last 5); swarmop get and its log say which spec and why.'
      - alert: SwarmopNotLeading
        expr: absent(swarmop_leader{job="swarmop"} == 1)
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: 'No swarmop replica leads'
          description: 'For 2 minutes no scraped swarmop replica has reported swarmop_leader 1: nothing reconciles the estate and no failover can happen.'
      - alert: SwarmopSeveralLeaders
        expr: sum(swarmop_leader{job="swarmop"}) > 1
        for: 1m
        labels:
          severity: critical
        annotations:
          summary: '{{ $value }} swarmop replicas report leading'
          description: 'More than one swarmop replica has reported swarmop_leader 1 for a minute: check the leader lease (docker config inspect swarmop-leader-lease).'
      - alert: SwarmopOperatorDown
        expr: up{job="swarmop"} == 0
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'swarmop replica {{ $labels.instance }} on {{ $labels.node }} does not answer on /metrics'
          description: 'Prometheus could not scrape the swarmop replica {{ $labels.instance }} for 5 minutes.'
)rules";
}

}  // namespace swarmop::reconciler::profiles
