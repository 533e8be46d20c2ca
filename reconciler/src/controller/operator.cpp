#include "swarmop/reconciler/operator.h"

#include <glog/logging.h>

#include "swarmop/reconciler/http_server.h"
#include "swarmop/reconciler/key_lister.h"
#include "swarmop/reconciler/operator_routes.h"
#include "swarmop/reconciler/own_writes.h"
#include "swarmop/reconciler/spec_cache.h"
#include "swarmop/reconciler/spec_store.h"

namespace swarmop::reconciler {

// Declaration order is construction order: each part borrows the ones above it.
struct Operator::Parts {
  Parts(engine::Engine& inner, const OperatorOptions& options)
      : counting(&inner),
        store(counting, SpecStoreOptions{options.load}),
        specs([this] { return store.Load(); }),
        status(store, counting, own_writes),
        reconciler(counting, specs, status, &metrics, SystemClock(), options.reconcile),
        keys(counting, specs),
        controller(counting, reconciler, keys, specs, own_writes, &metrics, options.controller) {}

  engine::CountingEngine counting;
  SpecStore store;
  SpecCache specs;
  OwnWrites own_writes;
  Metrics metrics;
  StatusReporter status;
  EstateReconciler reconciler;
  EstateKeyLister keys;
  Controller controller;
  std::unique_ptr<HttpServer> http;
  bool stopped = false;
};

StatusOr<std::unique_ptr<Operator>> Operator::Start(engine::Engine& engine, OperatorOptions options) {
  auto parts = std::make_unique<Parts>(engine, options);
  if (!options.listen.empty()) {
    auto http = StartHttpServer(
        options.listen, OperatorRoutes({parts->controller, parts->status, parts->metrics, &parts->counting}));
    if (!http.ok()) return http.status();
    parts->http = std::move(http).value();
    LOG(INFO) << "serving /healthz /readyz /metrics /api/v1/status on " << parts->http->Address();
  }
  parts->controller.Start();
  return std::unique_ptr<Operator>(new Operator(std::move(parts)));
}

Operator::Operator(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Operator::~Operator() { Stop(); }

void Operator::Stop() {
  if (parts_->stopped) return;
  parts_->stopped = true;
  parts_->controller.Stop();
  if (parts_->http) parts_->http->Stop();
}

Controller& Operator::controller() { return parts_->controller; }
StatusReporter& Operator::status() { return parts_->status; }
Metrics& Operator::metrics() { return parts_->metrics; }
engine::CountingEngine& Operator::engine() { return parts_->counting; }

}  // namespace swarmop::reconciler
