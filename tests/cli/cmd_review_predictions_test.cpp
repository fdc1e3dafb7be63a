// SPDX-License-Identifier: MIT
// End-to-end tests of `segoid review_predictions`: usage errors, and a session finished over HTTP.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "../report/review_fixture.hpp"
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

TEST(CmdReviewPredictionsTest, FinishFromThePageEndsTheCommandWithASummary) {
  test::TempDir dir;
  test::write_review_folder(dir.path(), {"A", "B"}, {});
  const fs::path log = dir / "log.txt";
  std::thread command([&] {
    test::run_command(review_command(dir, "--reviewer ana --output-flagged '" + (dir / "out/flagged.txt").string() +
                                              "' > '" + log.string() + "' 2>&1; echo rc=$? >> '" + log.string() + "'"));
  });
  std::smatch match;
  const std::regex url_pattern("http://127\\.0\\.0\\.1:(\\d+)/\\?t=([0-9a-f]{32})");
  std::string text;
  for (int attempt = 0; attempt < 300 && !std::regex_search(text, match, url_pattern); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    text = fs::exists(log) ? core::read_file(log) : "";
  }
  ASSERT_TRUE(std::regex_search(text, match, url_pattern)) << text;
  const int port = std::stoi(match[1]);
  const std::string token = match[2];
  httplib::Client client("127.0.0.1", port);
  EXPECT_EQ(client.Post(("/api/flag?name=B&t=" + token).c_str(), R"({"flagged":true,"reason":"poor_boundary"})",
                        "application/json")->status, 200);
  EXPECT_EQ(client.Post(("/api/finish?t=" + token).c_str(), "{}", "application/json")->status, 200);
  command.join();
  text = core::read_file(log);
  EXPECT_NE(text.find("1 of 2 images flagged. Flagged list: " + (dir / "out/flagged.txt").string()), std::string::npos)
      << text;
  EXPECT_NE(text.find("rc=0"), std::string::npos) << text;
  EXPECT_EQ(core::read_file(dir / "out/flagged.txt"), "B\n");  // stems, as the Python SegOid
  EXPECT_NE(core::read_file(dir / "out/flagged.csv").find(",poor_boundary,ana,"), std::string::npos);
}

}  // namespace
}  // namespace segoid::cli
