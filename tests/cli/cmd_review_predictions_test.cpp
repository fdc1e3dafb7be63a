// SPDX-License-Identifier: MIT
// End-to-end tests of `segoid review_predictions`: usage errors, a session finished over HTTP, and
// a correction saved from the page that validates.
// CTest label: e2e
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "review/review_fixture.hpp"
#include "segoid/core/atomic_file.hpp"
#include "test_support.hpp"

namespace segoid::cli {
namespace {

namespace fs = std::filesystem;

std::string review_command(const test::TempDir& dir, const std::string& extra) {
  return test::segoid_binary().string() + " review --image-dir '" + (dir / "images").string() + "' --pred-mask-dir '" +
         (dir / "pred").string() + "' " + extra;
}

TEST(CmdReviewPredictionsTest, VideoExportWritesTheSlideshowWithoutAServer) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"A", "B"}, {});
  const fs::path video = dir / "review.avi";
  std::string output;
  // 0.2 s per view at 10 fps: 2 frames per view, plain and overlay, for 2 images.
  ASSERT_EQ(test::run_command(review_command(dir, "--video-export '" + video.string() +
                                                      "' --display-duration 0.2 --fps 10 --max-frame-side 64"),
                              &output),
            0)
      << output;
  EXPECT_TRUE(fs::is_regular_file(video));
  EXPECT_NE(output.find("8 frames"), std::string::npos) << output;
  EXPECT_NE(output.find("MJPG"), std::string::npos) << output;
  EXPECT_EQ(test::run_command(review_command(dir, "--video-export '" + (dir / "review.gif").string() + "'"), &output), 2);
  EXPECT_NE(output.find("review.gif"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir / "review.gif"));
}

TEST(CmdReviewPredictionsTest, UsageErrorsExitWith2) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"A"}, {});
  std::string output;
  EXPECT_EQ(test::run_command(test::segoid_binary().string() + " review --pred-mask-dir '" + (dir / "pred").string() + "'",
                              &output),
            2);
  EXPECT_EQ(test::run_command(review_command(dir, "--display-mode carousel"), &output), 2);
  EXPECT_EQ(test::run_command(review_command(dir, "--overlay-alpha 1.5"), &output), 2);
  EXPECT_NE(output.find("--overlay-alpha"), std::string::npos) << output;
}

/// `segoid review` serving `dir` in the background (its output in dir/log.txt); the page's address.
class ReviewServer {
 public:
  ReviewServer(const test::TempDir& dir, const std::string& extra) : log_(dir / "log.txt") {
    command_ = std::thread([this, &dir, extra] {
      test::run_command(review_command(dir, extra) + " > '" + log_.string() + "' 2>&1; echo rc=$? >> '" +
                        log_.string() + "'");
    });
    const std::regex url_pattern("http://127\\.0\\.0\\.1:(\\d+)/\\?t=([0-9a-f]{32})");
    std::smatch match;
    std::string text;
    for (int attempt = 0; attempt < 300 && !std::regex_search(text, match, url_pattern); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      text = fs::exists(log_) ? core::read_file(log_) : "";
    }
    if (std::regex_search(text, match, url_pattern)) {
      port_ = std::stoi(match[1]);
      token_ = match[2];
    }
  }
  ~ReviewServer() {
    if (command_.joinable()) command_.join();
  }
  int port() const { return port_; }
  /// POSTs `body` to `path` (with the token), returns the status.
  int post(const std::string& path, const std::string& body) const {
    httplib::Client client("127.0.0.1", port_);
    const std::string separator = path.find('?') == std::string::npos ? "?" : "&";
    const auto response = client.Post((path + separator + "t=" + token_).c_str(), body, "application/json");
    return response ? response->status : -1;
  }
  /// Waits for the command to end; its output.
  std::string finish() {
    command_.join();
    return core::read_file(log_);
  }

 private:
  fs::path log_;
  std::thread command_;
  int port_ = 0;
  std::string token_;
};

TEST(CmdReviewPredictionsTest, FinishFromThePageEndsTheCommandWithASummary) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"A", "B"}, {});
  ReviewServer server(dir, "--reviewer ana --output-flagged '" + (dir / "out/flagged.txt").string() + "'");
  ASSERT_GT(server.port(), 0) << core::read_file(dir / "log.txt");
  EXPECT_EQ(server.post("/api/flag?name=B", R"({"flagged":true,"reason":"poor_boundary"})"), 200);
  EXPECT_EQ(server.post("/api/finish", "{}"), 200);
  const std::string text = server.finish();
  EXPECT_NE(text.find("1 of 2 images flagged. Flagged list: " + (dir / "out/flagged.txt").string()), std::string::npos)
      << text;
  EXPECT_NE(text.find("rc=0"), std::string::npos) << text;
  EXPECT_EQ(core::read_file(dir / "out/flagged.txt"), "B\n");  // stems, as the Python SegOid
  EXPECT_NE(core::read_file(dir / "out/flagged.csv").find(",poor_boundary,ana,"), std::string::npos);
}

// A correction drawn on the page and saved is a pair that validate_dataset accepts.
TEST(CmdReviewPredictionsTest, SavedCorrectionValidates) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"A", "B"}, {});
  ReviewServer server(dir, "--corrections-dir '" + (dir / "corrections").string() + "'");
  ASSERT_GT(server.port(), 0) << core::read_file(dir / "log.txt");
  const std::string edits = R"([{"op":"reject","x":20,"y":20},)"
                            R"({"op":"polygon","mode":"add","points":[[20,60],[40,60],[40,80],[20,80]]}])";
  EXPECT_EQ(server.post("/api/edits?name=A", edits), 200);
  EXPECT_EQ(server.post("/api/correction?name=A", ""), 200);
  EXPECT_EQ(server.post("/api/finish", "{}"), 200);
  const std::string text = server.finish();
  EXPECT_NE(text.find("rc=0"), std::string::npos) << text;
  std::string output;
  EXPECT_EQ(test::run_command(test::segoid_binary().string() + " validate_dataset --input-dir '" +
                                  (dir / "corrections").string() + "' --output-dir '" + (dir / "splits").string() + "'",
                              &output),
            0)
      << output;
}

}  // namespace
}  // namespace segoid::cli
