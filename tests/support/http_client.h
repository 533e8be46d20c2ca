// A minimal blocking HTTP/1.0 GET over TCP for tests (no cpprestsdk: it is slow to compile), and a free port.
#pragma once

#include <cstdint>
#include <string>

namespace swarmop::testsupport {

struct HttpReply {
  int status = 0;       // 0: could not connect or parse
  std::string headers;  // the status line and headers as received
  std::string body;
};

// `extra_headers`: whole lines, each ending in \r\n ("Authorization: Bearer x\r\n").
HttpReply HttpGet(uint16_t port, const std::string& path, const std::string& extra_headers = "");

// Sends `raw` as is and reads until the server closes (5 s at most).
HttpReply HttpSend(uint16_t port, const std::string& raw);

// A TCP connection to 127.0.0.1:port (-1 on failure), for tests that hold connections open.
int ConnectLoopback(uint16_t port);

// A TCP port on 127.0.0.1 that was free a moment ago.
uint16_t FreeLocalPort();

}  // namespace swarmop::testsupport
