// SPDX-License-Identifier: MIT
// libFuzzer target: one raw HTTP request to the review server, parsed by cpp-httplib's own
// server code (no socket: a buffer stream) and answered by review::ReviewHandler over a small
// review folder. Checks, besides memory safety: no 5xx (every file is valid, so a 5xx means the
// request alone made the handler fail), and no 2xx without the session token and a loopback host.
#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "fuzz_support.hpp"
#include "review/review_fixture.hpp"
#include "review/review_routes.hpp"
#include "segoid/review/review_handler.hpp"

namespace {
namespace fs = std::filesystem;
using namespace segoid;

constexpr const char kToken[] = "0123456789abcdef0123456789abcdef";

// Exposes httplib's protected per-request entry: parse, route, answer, write into the stream.
struct StreamServer : httplib::Server {
  using httplib::Server::process_request;
};

const fs::path& review_folder() {
  static const fs::path root = [] {
    const fs::path dir = fuzz::scratch_dir() / "review";
    test::write_review_folder(dir, {"A", "B"}, {0.2f});  // B has no probability map
    return dir;
  }();
  return root;
}

// What httplib parsed, for the token oracle.
struct Seen {
  std::string token_param, token_header, host;
};

bool authorized(const Seen& seen) {
  const std::string& token = seen.token_header.empty() ? seen.token_param : seen.token_header;
  const std::string host = seen.host.substr(0, seen.host.rfind(':'));
  return token == kToken && (seen.host.empty() || host == "127.0.0.1" || host == "localhost");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::init_once();
  const fs::path& root = review_folder();
  // Each input starts from the same state: no session, flags or corrections from earlier inputs.
  const fs::path state = root / "state";
  fs::remove_all(state);
  fs::create_directories(state);
  review::ReviewSession session(review::find_review_items(root / "images", root / "pred"),
                                {state / "session.json", state / "flagged.txt", state / "flagged.csv"});
  review::ReviewOptions options;
  options.reviewer = "fuzz";
  options.corrections_dir = state / "corrections";
  options.max_body_bytes = 1 << 16;
  options.background_work = false;
  review::ReviewHandler handler(std::move(session), options, kToken);

  StreamServer server;
  review::configure_review_server(server, handler, options.max_body_bytes);
  httplib::detail::BufferStream stream;
  stream.write(reinterpret_cast<const char*>(data), size);
  Seen seen;
  bool closed = false;
  server.process_request(stream, /*close_connection=*/true, closed, [&seen](httplib::Request& request) {
    const review::HttpRequest parsed = review::to_review_request(request);
    const auto header = parsed.headers.find("x-review-token");
    if (header != parsed.headers.end()) seen.token_header = header->second;
    const auto param = parsed.query.find("t");
    if (param != parsed.query.end()) seen.token_param = param->second;
    const auto host = parsed.headers.find("host");
    if (host != parsed.headers.end()) seen.host = host->second;
  });

  // The answer follows the request in the stream's buffer: "HTTP/1.1 NNN ...", after any
  // interim "100 Continue" (Expect: 100-continue).
  const std::string& buffer = stream.get_buffer();
  size_t at = size;
  int status = 0;
  for (;;) {
    if (buffer.size() < at + 12) return 0;  // nothing answered (httplib dropped a malformed request)
    if (buffer.compare(at, 9, "HTTP/1.1 ") != 0) __builtin_trap();
    status = std::stoi(buffer.substr(at + 9, 3));
    if (status >= 200) break;
    at = buffer.find("\r\n\r\n", at);
    if (at == std::string::npos) __builtin_trap();
    at += 4;
  }
  if (status >= 500) __builtin_trap();
  if (status >= 200 && status < 300 && !authorized(seen)) __builtin_trap();
  return 0;
}
