// SPDX-License-Identifier: MIT
// Security of the review server over real sockets: loopback only, token, paths, body limit.
#include "segoid/review/review_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "review_fixture.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::review {
namespace {

constexpr const char kToken[] = "fedcba9876543210fedcba9876543210";

// Sends raw bytes to address:port and returns the first line of the answer ("" if no connection).
std::string raw_request(const char* address, int port, const std::string& request, int* connect_errno = nullptr) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address, &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (connect_errno) *connect_errno = errno;
    close(fd);
    return "";
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early on an oversized body
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buffer[4096];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) {
    answer.append(buffer, static_cast<size_t>(n));
    if (answer.find("\r\n") != std::string::npos) break;
  }
  close(fd);
  return answer.substr(0, answer.find("\r\n"));
}

std::string get(int port, const std::string& target) {
  return raw_request("127.0.0.1", port,
                     "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nConnection: close\r\n\r\n");
}

class ReviewServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_review_folder(dir_.path(), {"A"}, {});
    ReviewSession session(find_review_items(dir_ / "images", dir_ / "pred"), {dir_ / "s.json", dir_ / "f.txt", dir_ / "f.csv"});
    ReviewOptions options;
    options.max_body_bytes = 4096;
    options.background_work = false;
    handler_ = std::make_unique<ReviewHandler>(std::move(session), options, kToken);
    server_ = std::make_unique<ReviewServer>(*handler_, /*port=*/0, options.max_body_bytes);
  }
  void TearDown() override { server_.reset(); }
  test::TempDir dir_;
  std::unique_ptr<ReviewHandler> handler_;
  std::unique_ptr<ReviewServer> server_;
};

TEST_F(ReviewServerTest, WithoutTheTokenEveryRequestGets403) {
  const int port = server_->port();
  EXPECT_EQ(get(port, "/"), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(get(port, "/api/session"), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(get(port, "/api/image?name=A&layer=image"), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(get(port, "/?t=wrong"), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(get(port, std::string("/?t=") + kToken), "HTTP/1.1 200 OK");
  EXPECT_EQ(server_->url(), "http://127.0.0.1:" + std::to_string(port) + "/?t=" + kToken);
}

TEST_F(ReviewServerTest, DotDotAndAbsolutePathsGet404) {
  const int port = server_->port();
  const std::string t = std::string("t=") + kToken;
  EXPECT_EQ(get(port, "/../../etc/passwd?" + t), "HTTP/1.1 404 Not Found");
  EXPECT_EQ(get(port, "/%2e%2e/%2e%2e/etc/passwd?" + t), "HTTP/1.1 404 Not Found");
  EXPECT_EQ(get(port, "//etc/passwd?" + t), "HTTP/1.1 404 Not Found");
  EXPECT_EQ(get(port, "/api/image?name=/etc/passwd&layer=image&" + t), "HTTP/1.1 404 Not Found");
  EXPECT_EQ(get(port, "/api/image?name=..%2fpred%2fA&layer=image&" + t), "HTTP/1.1 404 Not Found");
  EXPECT_EQ(get(port, "/api/image?name=A&layer=image&" + t), "HTTP/1.1 200 OK");
}

TEST_F(ReviewServerTest, OversizedBodyIsRefused) {
  const int port = server_->port();
  const std::string body(64 * 1024, 'x');
  const std::string answer = raw_request(
      "127.0.0.1", port,
      std::string("POST /api/edits?name=A&t=") + kToken + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
          "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  EXPECT_EQ(answer, "HTTP/1.1 413 Payload Too Large");
  // The state is untouched and the server still answers.
  EXPECT_EQ(get(port, std::string("/api/session?t=") + kToken), "HTTP/1.1 200 OK");
}

TEST_F(ReviewServerTest, ListensOnLoopbackOnly) {
  const int port = server_->port();
  ASSERT_GT(port, 0);
  // Bound to 127.0.0.1, not 0.0.0.0: another loopback address (or any other) is refused.
  int error = 0;
  EXPECT_EQ(raw_request("127.0.0.2", port, "GET / HTTP/1.1\r\n\r\n", &error), "");
  EXPECT_EQ(error, ECONNREFUSED);
  // The kernel's table of listening sockets shows 127.0.0.1:<port> and no wildcard entry.
  std::ifstream tcp("/proc/net/tcp");
  ASSERT_TRUE(tcp.good());
  std::string line;
  char port_hex[8];
  std::snprintf(port_hex, sizeof(port_hex), "%04X", port);
  int listening = 0;
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state != "0A" || local.substr(local.find(':') + 1) != port_hex) continue;
    EXPECT_EQ(local.substr(0, local.find(':')), "0100007F") << line;
    ++listening;
  }
  EXPECT_EQ(listening, 1);
}

TEST_F(ReviewServerTest, PortZeroPicksAFreePortAndABusyPortIsAnError) {
  EXPECT_THROW({ ReviewServer busy(*handler_, server_->port()); }, IoError);
}

}  // namespace
}  // namespace segoid::review
