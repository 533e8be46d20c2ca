// The real client (Beast transport + EngineImpl) against a scripted engine on a unix socket.
#include <gtest/gtest.h>

#include <thread>

#include "json_codec.h"
#include "scripted_server.h"
#include "swarmop/engine/engine.h"

namespace swarmop::engine {
namespace {

using testing::ScriptedConnection;
using testing::ScriptedRequest;
using testing::ScriptedServer;

std::string Ping(const std::string& version) {
  return ScriptedServer::Response(200, "OK", "Api-Version: " + version + "\r\n");
}

Endpoint EndpointFor(const ScriptedServer& server) {
  Endpoint endpoint;
  endpoint.socket_path = server.socket_path();
  endpoint.request_timeout = std::chrono::milliseconds(2000);
  return endpoint;
}

TEST(Connect, UsesTheEnginesVersionWhenItIsOlder) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(Ping("1.41"));
    return c.Send(ScriptedServer::Response(200, "[]"));
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->ApiVersion(), "1.41");
  ASSERT_TRUE((*engine)->ListServices({}).ok());
  EXPECT_EQ(server.requests().back().target, "/v1.41/services?status=true");
}

TEST(Connect, CapsTheVersionAtTheClientMaximum) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) { return c.Send(Ping("1.52")); });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->ApiVersion(), kMaxApiVersion);
}

TEST(Connect, FallsBackToVersionWhenPingHasNoHeader) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(ScriptedServer::Response(200, "OK"));
    return c.Send(ScriptedServer::Response(200, R"({"ApiVersion":"1.44","MinAPIVersion":"1.24"})"));
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->ApiVersion(), "1.44");
}

TEST(Connect, AForcedVersionSkipsNegotiation) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    return c.Send(ScriptedServer::Response(200, "[]"));
  });
  Endpoint endpoint = EndpointFor(server);
  endpoint.api_version = "1.45";
  auto engine = Connect(endpoint);
  ASSERT_TRUE(engine.ok());
  ASSERT_TRUE((*engine)->ListConfigs({}).ok());
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/v1.45/configs");
}

TEST(Connect, AMissingSocketIsUnavailableAndNamesTheAddress) {
  Endpoint endpoint;
  endpoint.socket_path = "/nonexistent/swarmop/docker.sock";
  auto engine = Connect(endpoint);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), Code::kUnavailable);
  EXPECT_NE(engine.status().message().find("unix:///nonexistent/swarmop/docker.sock"), std::string::npos)
      << engine.status().message();
  EXPECT_NE(engine.status().message().find("No such file or directory"), std::string::npos);
  EXPECT_NE(engine.status().message().find("DOCKER_HOST"), std::string::npos);
}

TEST(Requests, ASlowEngineTimesOut) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(Ping("1.41"));
    c.SleepOrStop(std::chrono::milliseconds(1500));
    return false;
  });
  Endpoint endpoint = EndpointFor(server);
  endpoint.request_timeout = std::chrono::milliseconds(200);
  auto engine = Connect(endpoint);
  ASSERT_TRUE(engine.ok());
  auto start = std::chrono::steady_clock::now();
  auto services = (*engine)->ListServices({});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.status().code(), Code::kTimeout) << services.status().ToString();
}

TEST(Requests, KeepAliveReusesOneConnection) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(Ping("1.41"));
    return c.Send(ScriptedServer::Response(200, "[]"));
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*engine)->ListNodes({}).ok());
  EXPECT_EQ(server.connections(), 1);
}

TEST(Requests, AConnectionTheEngineClosedIsReplacedTransparently) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    c.Send(r.target == "/_ping" ? Ping("1.41") : ScriptedServer::Response(200, "[]"));
    return false;  // close after every answer, without saying so
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto nodes = (*engine)->ListNodes({});
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  EXPECT_EQ(server.connections(), 2);
}

TEST(Requests, ManyThreadsCanShareOneEngine) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(Ping("1.41"));
    return c.Send(ScriptedServer::Response(200, R"([{"ID":"n1","Spec":{"Name":"a"}}])"));
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto nodes = (*engine)->ListNodes({});
        if (!nodes.ok() || nodes->size() != 1) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(server.connections(), 5);
}

TEST(Requests, ListByNameKeepsOnlyTheExactName) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(Ping("1.41"));
    // The engine's name filter matches by prefix: "web" finds web, web2 and web-old.
    return c.Send(ScriptedServer::Response(200, R"([{"ID":"1","Spec":{"Name":"web2"}},
                                                     {"ID":"2","Spec":{"Name":"web"}},
                                                     {"ID":"3","Spec":{"Name":"web-old"}}])"));
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok());
  auto services = (*engine)->ListServices(ListFilter::Name("web"));
  ASSERT_TRUE(services.ok());
  ASSERT_EQ(services->size(), 1u);
  EXPECT_EQ((*services)[0].id, "2");
  auto configs = (*engine)->ListConfigs(ListFilter::Name("web"));
  ASSERT_TRUE(configs.ok());
  ASSERT_EQ(configs->size(), 1u);
  EXPECT_EQ((*configs)[0].id, "2");
  EXPECT_NE(server.requests().back().target.find("filters="), std::string::npos);
}

TEST(Requests, LabelFiltersAreSentToTheEngine) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(Ping("1.41"));
    return c.Send(ScriptedServer::Response(200, "[]"));
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok());
  ASSERT_TRUE((*engine)->ListServices(ListFilter::Labels({{"io.swarmop.managed-by", "swarmop"}})).ok());
  // {"label":["io.swarmop.managed-by=swarmop"]}, url-encoded.
  EXPECT_EQ(
      server.requests().back().target,
      "/v1.41/services?filters=%7B%22label%22%3A%5B%22io.swarmop.managed-by%3Dswarmop%22%5D%7D&status=true");
}

TEST(Requests, EngineErrorsBecomeCodes) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(Ping("1.41"));
    if (r.target.find("/update") != std::string::npos) {
      return c.Send(ScriptedServer::Response(
          500, R"({"message":"rpc error: code = Unknown desc = update out of sequence"})"));
    }
    if (r.method == "DELETE")
      return c.Send(ScriptedServer::Response(404, R"({"message":"service x not found"})"));
    return c.Send(ScriptedServer::Response(
        503, R"({"message":"This node is not a swarm manager. Use \"docker swarm init\"."})"));
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ((*engine)->UpdateService("x", 3, ServiceSpec{}).code(), Code::kAborted);
  Status removed = (*engine)->RemoveService("x");
  EXPECT_EQ(removed.code(), Code::kNotFound);
  EXPECT_NE(removed.message().find("service x not found"), std::string::npos);
  EXPECT_EQ((*engine)->ListNodes({}).status().code(), Code::kFailedPrecondition);
}

TEST(Requests, UpdateSendsTheVersionAndKeepsUnknownFields) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(Ping("1.41"));
    if (r.method == "GET") {
      return c.Send(ScriptedServer::Response(200, R"({"ID":"s1","Version":{"Index":42},
        "Spec":{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"i","User":"nobody"}},
                "Mode":{"Replicated":{"Replicas":1}},"x-Future":{"a":1}}})"));
    }
    return c.Send(ScriptedServer::Response(200, R"({"Warnings":null})"));
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok());
  auto service = (*engine)->InspectService("web");
  ASSERT_TRUE(service.ok());
  EXPECT_EQ(service->version, 42u);
  service->spec.mode.replicas = 4;
  ASSERT_TRUE((*engine)->UpdateService(service->id, service->version, service->spec).ok());
  ScriptedRequest update = server.requests().back();
  EXPECT_EQ(update.target, "/v1.41/services/s1/update?version=42");
  EXPECT_EQ(update.headers["content-type"], "application/json");
  Json body = Json::parse(update.body);
  EXPECT_EQ(body["Mode"]["Replicated"]["Replicas"], 4);
  EXPECT_EQ(body["x-Future"]["a"], 1);
  EXPECT_EQ(body["TaskTemplate"]["ContainerSpec"]["User"], "nobody");
}

TEST(Requests, ConfigDataIsDecodedAndEncoded) {
  ScriptedServer server([](const ScriptedRequest& r, ScriptedConnection& c) {
    if (r.target == "/_ping") return c.Send(Ping("1.41"));
    if (r.method == "POST") return c.Send(ScriptedServer::Response(201, R"({"ID":"c9"})"));
    return c.Send(ScriptedServer::Response(
        200,
        R"({"ID":"c1","Version":{"Index":7},"Spec":{"Name":"app.conf","Data":"aGVsbG8=","Labels":{"a":"b"}}})"));
  });
  auto engine = Connect(EndpointFor(server));
  ASSERT_TRUE(engine.ok());
  auto config = (*engine)->InspectConfig("app.conf");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->spec.data, "hello");
  EXPECT_EQ(config->spec.labels.at("a"), "b");
  auto id = (*engine)->CreateConfig(ConfigSpec{"new.conf", {}, "hi!", ""});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "c9");
  EXPECT_EQ(Json::parse(server.requests().back().body)["Data"], "aGkh");
}

}  // namespace
}  // namespace swarmop::engine

namespace swarmop::engine {
namespace {

TEST(Connect, UnreadableTlsFilesAreReportedWithTheirPaths) {
  Endpoint endpoint;
  endpoint.scheme = Endpoint::Scheme::kTcp;
  endpoint.host = "127.0.0.1";
  endpoint.port = 2376;
  endpoint.tls = TlsOptions{true, "/nonexistent/certs/ca.pem", "/nonexistent/certs/cert.pem",
                            "/nonexistent/certs/key.pem"};
  auto engine = Connect(endpoint);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), Code::kInvalidArgument) << engine.status().ToString();
  EXPECT_NE(engine.status().message().find("/nonexistent/certs/ca.pem"), std::string::npos);
  EXPECT_NE(engine.status().message().find("DOCKER_CERT_PATH"), std::string::npos);
}

TEST(Connect, ATcpPortNobodyListensOnIsUnavailable) {
  Endpoint endpoint;
  endpoint.scheme = Endpoint::Scheme::kTcp;
  endpoint.host = "127.0.0.1";
  endpoint.port = 1;  // privileged and unused
  auto engine = Connect(endpoint);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), Code::kUnavailable) << engine.status().ToString();
  EXPECT_NE(engine.status().message().find("tcp://127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace swarmop::engine
