#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

namespace swarmop::testsupport {
namespace {

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

HttpReply Parse(const std::string& raw) {
  HttpReply reply;
  if (std::sscanf(raw.c_str(), "HTTP/%*s %d", &reply.status) != 1) return {};
  auto body = raw.find("\r\n\r\n");
  reply.headers = raw.substr(0, body);
  if (body != std::string::npos) reply.body = raw.substr(body + 4);
  return reply;
}

}  // namespace

int ConnectLoopback(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr = Loopback(port);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

HttpReply HttpSend(uint16_t port, const std::string& raw_request) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return {};
  // A refused oversized request may be cut short by the server's close: keep what was received.
  (void)send(fd, raw_request.data(), raw_request.size(), MSG_NOSIGNAL);
  std::string raw;
  char buffer[4096];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) raw.append(buffer, n);
  close(fd);
  return Parse(raw);
}

HttpReply HttpGet(uint16_t port, const std::string& path, const std::string& extra_headers) {
  return HttpSend(
      port, "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers + "\r\n");
}

uint16_t FreeLocalPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace swarmop::testsupport
