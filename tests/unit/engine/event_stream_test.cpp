// The /events reader: framing across chunks, drops and resumption, cancellation.
#include <gtest/gtest.h>

#include <thread>

#include "scripted_server.h"
#include "swarmop/engine/engine.h"

namespace swarmop::engine {
namespace {

using std::chrono::milliseconds;
using testing::ScriptedConnection;
using testing::ScriptedRequest;
using testing::ScriptedServer;

std::string EventJson(const std::string& action, const std::string& id, int64_t time_nano) {
  return R"({"Type":"service","Action":")" + action + R"(","Actor":{"ID":")" + id +
         R"(","Attributes":{"name":"web"}},"scope":"swarm","time":)" +
         std::to_string(time_nano / 1000000000) + R"(,"timeNano":)" + std::to_string(time_nano) + "}\n";
}

constexpr int64_t kT1 = 1700000000'000000001;
constexpr int64_t kT2 = 1700000000'500000000;
constexpr int64_t kT3 = 1700000001'000000000;

bool IsPing(const ScriptedRequest& r) { return r.target == "/_ping"; }
bool Ping(ScriptedConnection& c) {
  return c.Send(ScriptedServer::Response(200, "OK", "Api-Version: 1.41\r\n"));
}

std::unique_ptr<Engine> ConnectTo(const ScriptedServer& server) {
  Endpoint endpoint;
  endpoint.socket_path = server.socket_path();
  auto engine = Connect(endpoint);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

Event NextEvent(EventStream& stream) {
  auto next = stream.Next(milliseconds(3000));
  EXPECT_TRUE(next.ok()) << next.status().ToString();
  if (!next.ok() || !next->has_value()) {
    ADD_FAILURE() << "no event";
    return {};
  }
  return **next;
}

TEST(EventStream, AnEventSplitAcrossChunksAndSeveralInOneChunkAllArriveInOrder) {
  std::string one = EventJson("create", "s1", kT1);
  ScriptedServer server([&](const ScriptedRequest& r, ScriptedConnection& c) {
    if (IsPing(r)) return Ping(c);
    c.Send(ScriptedServer::ChunkedHead());
    c.Send(ScriptedServer::Chunk(one.substr(0, 20)));
    c.SleepOrStop(milliseconds(50));
    c.Send(ScriptedServer::Chunk(one.substr(20) + EventJson("update", "s1", kT2) +
                                 EventJson("remove", "s1", kT3)));
    c.SleepOrStop(milliseconds(5000));
    return false;
  });
  auto engine = ConnectTo(server);
  ASSERT_TRUE(engine);
  auto stream = engine->Events(EventFilter{{"service", "node"}, {}, 0});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  Event first = NextEvent(**stream);
  EXPECT_EQ(first.type, "service");
  EXPECT_EQ(first.action, "create");
  EXPECT_EQ(first.actor.id, "s1");
  EXPECT_EQ(first.actor.attributes["name"], "web");
  EXPECT_EQ(first.scope, "swarm");
  EXPECT_EQ(first.time_nano, kT1);
  EXPECT_EQ(NextEvent(**stream).action, "update");
  EXPECT_EQ(NextEvent(**stream).action, "remove");
  EXPECT_NE(server.requests().back().target.find("/v1.41/events?filters="), std::string::npos);
}

TEST(EventStream, QuietStreamsReturnNothingAfterTheTimeout) {
  ScriptedServer server([&](const ScriptedRequest& r, ScriptedConnection& c) {
    if (IsPing(r)) return Ping(c);
    c.Send(ScriptedServer::ChunkedHead());
    c.SleepOrStop(milliseconds(5000));
    return false;
  });
  auto engine = ConnectTo(server);
  ASSERT_TRUE(engine);
  auto stream = engine->Events({});
  ASSERT_TRUE(stream.ok());
  auto next = (*stream)->Next(milliseconds(100));
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
}

TEST(EventStream, ADroppedStreamResumesFromTheLastEventWithoutDuplicates) {
  ScriptedServer server([&](const ScriptedRequest& r, ScriptedConnection& c) {
    if (IsPing(r)) return Ping(c);
    c.Send(ScriptedServer::ChunkedHead());
    if (r.connection == 2) {  // first events connection: two events and half a third, then the line drops
      c.Send(
          ScriptedServer::Chunk(EventJson("create", "s1", kT1) + EventJson("update", "s1", kT2) + "{\"Ty"));
      c.SleepOrStop(milliseconds(50));
      return false;
    }
    // Reconnection: the engine replays from `since`, including the last event already seen.
    c.Send(ScriptedServer::Chunk(EventJson("update", "s1", kT2) + EventJson("remove", "s1", kT3)));
    c.SleepOrStop(milliseconds(5000));
    return false;
  });
  auto engine = ConnectTo(server);
  ASSERT_TRUE(engine);
  auto stream = engine->Events(EventFilter{{"service"}, {}, 0});
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(NextEvent(**stream).action, "create");
  EXPECT_EQ(NextEvent(**stream).action, "update");
  EXPECT_EQ(NextEvent(**stream).action, "remove");
  auto requests = server.requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[1].target.find("since="), std::string::npos);
  EXPECT_NE(requests[2].target.find("since=1700000000.500000000"), std::string::npos) << requests[2].target;
  auto quiet = (*stream)->Next(milliseconds(100));
  ASSERT_TRUE(quiet.ok());
  EXPECT_FALSE(quiet->has_value()) << "duplicate event delivered";
}

TEST(EventStream, CloseFromAnotherThreadWakesAWaitingReader) {
  ScriptedServer server([&](const ScriptedRequest& r, ScriptedConnection& c) {
    if (IsPing(r)) return Ping(c);
    c.Send(ScriptedServer::ChunkedHead());
    c.SleepOrStop(milliseconds(10000));
    return false;
  });
  auto engine = ConnectTo(server);
  ASSERT_TRUE(engine);
  auto stream = engine->Events({});
  ASSERT_TRUE(stream.ok());
  EventStream* raw = stream->get();
  std::thread closer([raw] {
    std::this_thread::sleep_for(milliseconds(100));
    raw->Close();
  });
  auto start = std::chrono::steady_clock::now();
  auto next = raw->Next(milliseconds(5000));
  closer.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), Code::kUnavailable);
  raw->Close();  // idempotent
}

TEST(EventStream, AnEngineErrorFailsTheOpen) {
  ScriptedServer server([&](const ScriptedRequest& r, ScriptedConnection& c) {
    if (IsPing(r)) return Ping(c);
    return c.Send(ScriptedServer::Response(400, R"({"message":"invalid filter 'typ'"})"));
  });
  auto engine = ConnectTo(server);
  ASSERT_TRUE(engine);
  auto stream = engine->Events({});
  ASSERT_FALSE(stream.ok());
  EXPECT_EQ(stream.status().code(), Code::kInvalidArgument) << stream.status().ToString();
  EXPECT_NE(stream.status().message().find("invalid filter"), std::string::npos);
}

TEST(EventStream, AnEngineThatGoesAwayIsReportedAndTheStreamKeepsTrying) {
  auto server = std::make_unique<ScriptedServer>([&](const ScriptedRequest& r, ScriptedConnection& c) {
    if (IsPing(r)) return Ping(c);
    c.Send(ScriptedServer::ChunkedHead());
    c.SleepOrStop(milliseconds(10000));
    return false;
  });
  auto engine = ConnectTo(*server);
  ASSERT_TRUE(engine);
  auto stream = engine->Events({});
  ASSERT_TRUE(stream.ok());
  server.reset();  // the socket file disappears too
  auto next = (*stream)->Next(milliseconds(3000));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), Code::kUnavailable) << next.status().ToString();
}

}  // namespace
}  // namespace swarmop::engine
