#include "swarmop/reconciler/controller/operator_routes.h"

#include "swarmop/reconciler/sites/site_report.h"

namespace swarmop::reconciler {
namespace {

HttpResponse Text(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body)};
}

}  // namespace

HttpRoutes OperatorRoutes(OperatorParts parts) {
  HttpRoutes routes;
  routes["/healthz"] = [] { return Text(200, "ok\n"); };
  routes["/readyz"] = [parts] {
    if (parts.controller.Ready()) return Text(200, "ready\n");
    if (!parts.controller.EngineReachable()) return Text(503, "engine unreachable\n");
    return Text(503, "first reconcile not finished\n");
  };
  routes["/metrics"] = [parts] {
    parts.metrics.SetQueueDepth(static_cast<double>(parts.controller.QueueDepth()));
    if (parts.counting) {
      parts.metrics.SetEngineCalls(parts.counting->Counts());
      parts.metrics.SetEngineCallFailures(parts.counting->FailedCounts());
    }
    std::string text = parts.metrics.RenderText();
    if (parts.sites) text += SiteMetricsText(parts.sites->Snapshot());
    if (parts.site_loops) text += SiteLoopMetricsText(parts.site_loops->States());
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", std::move(text)};
  };
  routes["/api/v1/status"] = [parts] {
    StatusDocument document{parts.status.All(),
                            parts.controller.QueueDepth(),
                            parts.controller.LastResync(),
                            parts.controller.Ready(),
                            parts.controller.EngineReachable(),
                            parts.sites ? std::optional<SiteSnapshot>(parts.sites->Snapshot()) : std::nullopt,
                            parts.site_loops ? parts.site_loops->States() : std::vector<SiteReconcileState>{},
                            parts.git ? std::optional<GitSourceState>(parts.git->State()) : std::nullopt};
    return HttpResponse{200, "application/json", ToJson(document)};
  };
  return routes;
}

}  // namespace swarmop::reconciler
