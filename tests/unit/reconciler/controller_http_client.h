// A minimal blocking HTTP/1.0 GET over TCP for tests (no cpprestsdk: it is slow to compile), and a free port.
#pragma once

#include <cstdint>
#include <string>

namespace swarmop::reconciler::testing {

struct HttpReply {
  int status = 0;  // 0: could not connect or parse
  std::string body;
};

HttpReply HttpGet(uint16_t port, const std::string& path);

// A TCP port on 127.0.0.1 that was free a moment ago.
uint16_t FreeLocalPort();

}  // namespace swarmop::reconciler::testing
