// Percent-encoding for URL path segments and query values, shared by the engine client and the GitLab client.
#pragma once

#include <string>

namespace swarmop {

// Percent-encodes everything but unreserved characters (RFC 3986): "acme/estate" -> "acme%2Festate".
std::string UrlEncode(const std::string& text);

}  // namespace swarmop
