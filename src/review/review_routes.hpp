// SPDX-License-Identifier: MIT
// Wires the review handler into a cpp-httplib server: limits, timeouts and one route for every
// method. Shared by the socket server (review_server) and the request fuzz target, which feeds
// raw bytes through httplib's own request parsing without a socket.
#pragma once

#include <httplib.h>

#include <cstddef>

#include "segoid/review/review_handler.hpp"

namespace segoid::review {

/// httplib's parsed request as the handler sees it: header names in lower case, first query value wins.
HttpRequest to_review_request(const httplib::Request& in);

/// Makes `server` answer every request through `handler`; bodies over `max_body_bytes` are
/// refused by httplib (413) before they are read.
void configure_review_server(httplib::Server& server, ReviewHandler& handler, size_t max_body_bytes);

}  // namespace segoid::review
