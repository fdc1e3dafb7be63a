// SPDX-License-Identifier: MIT
#include "review_routes.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>

namespace segoid::review {
namespace {
constexpr int kReadTimeoutSeconds = 30;
}  // namespace

HttpRequest to_review_request(const httplib::Request& in) {
  HttpRequest out;
  out.method = in.method;
  out.path = in.path;
  for (const auto& [key, value] : in.params) out.query.emplace(key, value);  // first value wins
  for (const auto& [key, value] : in.headers) {
    std::string lower = key;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers.emplace(lower, value);
  }
  out.body = in.body;
  return out;
}

void configure_review_server(httplib::Server& server, ReviewHandler& handler, size_t max_body_bytes) {
  server.set_payload_max_length(max_body_bytes);
  server.set_read_timeout(kReadTimeoutSeconds, 0);
  server.set_keep_alive_max_count(1000);
  // SO_REUSEADDR only (a restart may reuse the port at once); no SO_REUSEPORT, which would let a
  // second server share a busy port.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const auto serve = [&handler](const httplib::Request& request, httplib::Response& response) {
    const HttpResponse answer = handler.handle(to_review_request(request));
    response.status = answer.status;
    for (const auto& [key, value] : answer.headers) response.set_header(key, value);
    response.set_content(answer.body, answer.content_type.c_str());
  };
  server.Get(".*", serve);
  server.Post(".*", serve);
  server.Put(".*", serve);
  server.Delete(".*", serve);
  server.Patch(".*", serve);
  server.Options(".*", serve);
}

}  // namespace segoid::review
