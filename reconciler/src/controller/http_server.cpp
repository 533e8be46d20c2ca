// The only translation unit that includes cpprestsdk (slow to compile).
#include "swarmop/reconciler/http_server.h"

#include <cpprest/http_listener.h>
#include <glog/logging.h>

#include <exception>

namespace swarmop::reconciler {
namespace {

namespace http = web::http;

void Reply(const http::http_request& request, const HttpResponse& response) {
  http::http_response reply(static_cast<http::status_code>(response.status));
  reply.set_body(response.body, response.content_type);
  request.reply(reply).then([](pplx::task<void> sent) {
    try {
      sent.get();
    } catch (const std::exception& e) {
      VLOG(1) << "http reply failed: " << e.what();  // the client went away; nothing to do
    }
  });
}

HttpResponse Dispatch(const HttpRoutes& routes, const std::string& path) {
  auto it = routes.find(path);
  if (it == routes.end()) return {404, "text/plain; charset=utf-8", "not found\n"};
  try {
    return it->second();
  } catch (const std::exception& e) {
    return {500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n"};
  }
}

class CpprestHttpServer : public HttpServer {
 public:
  CpprestHttpServer(std::string address, HttpRoutes routes)
      : address_(std::move(address)), routes_(std::move(routes)), listener_(web::uri(address_)) {
    listener_.support([this](http::http_request request) {
      if (request.method() != http::methods::GET) {
        Reply(request, {405, "text/plain; charset=utf-8", "method not allowed\n"});
        return;
      }
      Reply(request, Dispatch(routes_, request.relative_uri().path()));
    });
  }
  ~CpprestHttpServer() override { Stop(); }

  Status Open() {
    try {
      listener_.open().wait();
      open_ = true;
      return Status::Ok();
    } catch (const std::exception& e) {
      return UnavailableError("cannot listen on " + address_ + ": " + e.what());
    }
  }

  void Stop() override {
    if (!open_) return;
    open_ = false;
    try {
      listener_.close().wait();
    } catch (const std::exception& e) {
      LOG(WARNING) << "closing the HTTP listener: " << e.what();
    }
  }

  std::string Address() const override { return address_; }

 private:
  std::string address_;
  HttpRoutes routes_;
  http::experimental::listener::http_listener listener_;
  bool open_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<HttpServer>> StartHttpServer(const std::string& listen_address, HttpRoutes routes) {
  auto colon = listen_address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen_address.size()) {
    return InvalidArgumentError("listen address must be HOST:PORT, got \"" + listen_address + "\"");
  }
  std::string address = "http://" + listen_address;
  if (!web::uri::validate(address))
    return InvalidArgumentError("invalid listen address \"" + listen_address + "\"");
  auto server = std::make_unique<CpprestHttpServer>(address, std::move(routes));
  SWARMOP_RETURN_IF_ERROR(server->Open());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace swarmop::reconciler
