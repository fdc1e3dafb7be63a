// SPDX-License-Identifier: MIT
// Tests of the review page's request handling, without sockets: token, paths, limits, state.
#include "segoid/review/review_handler.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "review_fixture.hpp"
#include "segoid/core/atomic_file.hpp"
#include "test_support.hpp"

namespace segoid::review {
namespace {
namespace fs = std::filesystem;

constexpr const char kToken[] = "0123456789abcdef0123456789abcdef";

class ReviewHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_review_folder(dir_.path(), {"A", "B", "C"}, {0.1f, 0.45f, 0.3f});
    make_handler();
  }
  void make_handler(size_t max_body = kMaxReviewBodyBytes) {
    handler_.reset();
    ReviewSession session(find_review_items(dir_ / "images", dir_ / "pred"), paths());
    session.load();
    ReviewOptions options;
    options.reviewer = "tester";
    options.corrections_dir = dir_ / "corrections";
    options.max_body_bytes = max_body;
    options.background_work = false;
    handler_ = std::make_unique<ReviewHandler>(std::move(session), options, kToken);
  }
  ReviewPaths paths() const { return {dir_ / "session.json", dir_ / "flagged.txt", dir_ / "flagged.csv"}; }
  HttpResponse call(const std::string& method, const std::string& path, std::map<std::string, std::string> query = {},
                    const std::string& body = "") {
    HttpRequest request{method, path, std::move(query), {{"host", "127.0.0.1:8000"}}, body};
    if (!request.query.count("t")) request.query["t"] = kToken;
    return handler_->handle(request);
  }
  test::TempDir dir_;
  std::unique_ptr<ReviewHandler> handler_;
};

TEST_F(ReviewHandlerTest, RequestsWithoutTheTokenGet403) {
  EXPECT_EQ(call("GET", "/").status, 200);
  EXPECT_EQ(call("GET", "/", {{"t", ""}}).status, 403);
  EXPECT_EQ(call("GET", "/api/session", {{"t", "0123456789abcdef0123456789abcdee"}}).status, 403);
  EXPECT_EQ(call("GET", "/api/session", {{"t", "short"}}).status, 403);
  HttpRequest no_token{"GET", "/api/image", {{"name", "A"}, {"layer", "image"}}, {}, ""};
  EXPECT_EQ(handler_->handle(no_token).status, 403);
  HttpRequest header_token{"GET", "/api/session", {}, {{"x-review-token", kToken}}, ""};
  EXPECT_EQ(handler_->handle(header_token).status, 200);
  // A page on another host name (DNS rebinding) cannot use a leaked token either.
  HttpRequest rebound{"GET", "/api/session", {{"t", kToken}}, {{"host", "evil.example:8000"}}, ""};
  EXPECT_EQ(handler_->handle(rebound).status, 403);
}

TEST_F(ReviewHandlerTest, DotDotAndAbsolutePathsGet404) {
  for (const char* path : {"/../etc/passwd", "/api/../../etc/passwd", "//etc/passwd", "/api/image/..", "\\etc\\passwd",
                           "etc/passwd", "/etc/passwd", "/api/image%2f..%2f", "/review.js/../x"}) {
    EXPECT_EQ(call("GET", path, {{"name", "A"}, {"layer", "image"}}).status, 404) << path;
  }
  for (const char* name : {"/etc/passwd", "../A", "A/../B", "..", "/", "images/A", "A.tif", ""}) {
    EXPECT_EQ(call("GET", "/api/image", {{"name", name}, {"layer", "image"}}).status, 404) << name;
  }
  EXPECT_EQ(call("GET", "/api/image", {{"name", "A"}, {"layer", "image"}}).status, 200);
}

TEST_F(ReviewHandlerTest, OversizedBodiesGet413) {
  make_handler(/*max_body=*/1000);
  EXPECT_EQ(call("POST", "/api/edits", {{"name", "A"}}, std::string(1001, ' ')).status, 413);
  EXPECT_EQ(call("POST", "/api/edits", {{"name", "A"}}, "[]").status, 200);
}

TEST_F(ReviewHandlerTest, PageAndAssetsAreServedFromTheBinary) {
  const HttpResponse page = call("GET", "/");
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find(std::string("/review.js?t=") + kToken), std::string::npos);
  EXPECT_EQ(page.body.find("://"), std::string::npos);  // nothing loaded from elsewhere
  EXPECT_EQ(call("GET", "/review.css").body.find("://"), std::string::npos);
  EXPECT_NE(call("GET", "/review.js").body.find("api/session"), std::string::npos);
  EXPECT_EQ(call("GET", "/review.css").status, 200);
  EXPECT_EQ(call("GET", "/nothing").status, 404);
  EXPECT_EQ(call("DELETE", "/api/session").status, 405);
}

TEST_F(ReviewHandlerTest, PreviewsAre8BitAndDownscaled) {
  const cv::Mat wide(60, 2 * kPreviewSide, CV_16UC1, cv::Scalar(40000));
  io::write_gray_tiff(dir_ / "images/W.tif", wide);
  io::write_mask_tiff(dir_ / "pred/W_pred_mask.tif", cv::Mat(60, 2 * kPreviewSide, CV_8UC1, cv::Scalar(0)));
  make_handler();
  const HttpResponse jpeg = call("GET", "/api/image", {{"name", "W"}, {"layer", "image"}});
  ASSERT_EQ(jpeg.status, 200);
  EXPECT_EQ(jpeg.content_type, "image/jpeg");
  const cv::Mat decoded = cv::imdecode(std::vector<uchar>(jpeg.body.begin(), jpeg.body.end()), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(decoded.cols, kPreviewSide);
  EXPECT_EQ(decoded.depth(), CV_8U);
  const HttpResponse region = call("GET", "/api/region",
                                   {{"name", "A"}, {"layer", "overlay"}, {"x", "10"}, {"y", "10"}, {"w", "20"}, {"h", "20"},
                                    {"ow", "40"}, {"oh", "40"}});
  ASSERT_EQ(region.status, 200);
  const cv::Mat rgba = cv::imdecode(std::vector<uchar>(region.body.begin(), region.body.end()), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(rgba.size(), cv::Size(40, 40));
  EXPECT_EQ(rgba.at<cv::Vec4b>(20, 20)[3], 255);  // inside object A: opaque overlay
}

TEST_F(ReviewHandlerTest, FlagsPersistAndSurviveARestart) {
  EXPECT_EQ(call("POST", "/api/flag", {{"name", "B"}}, R"({"flagged":true,"reason":"merged_objects"})").status, 200);
  EXPECT_EQ(call("POST", "/api/flag", {{"name", "C"}}, R"({"flagged":true})").status, 200);
  EXPECT_EQ(call("POST", "/api/flag", {{"name", "C"}}, R"({"flagged":false})").status, 200);
  EXPECT_EQ(call("POST", "/api/seen", {{"name", "A"}}).status, 200);
  EXPECT_EQ(call("POST", "/api/flag", {{"name", "A"}}, R"({"flagged":"yes"})").status, 400);
  EXPECT_EQ(core::read_file(dir_ / "flagged.txt"), "B\n");
  make_handler();  // a restart on the same folders
  const std::string session = call("GET", "/api/session").body;
  EXPECT_NE(session.find(R"("reason":"merged_objects")"), std::string::npos);
  const ReviewCounts counts = handler_->counts();
  EXPECT_EQ(counts.flagged, 1);
  EXPECT_EQ(counts.good, 2);  // A seen, C unflagged (seen)
}

TEST_F(ReviewHandlerTest, TriageStatsOrderLeastConfidentFirst) {
  make_handler();
  // Without the worker, stats come from compute_review_stats directly.
  const ReviewStats a = compute_review_stats(find_review_items(dir_ / "images", dir_ / "pred")[0]);
  EXPECT_EQ(a.object_count, 2);
  EXPECT_NEAR(a.uncertainty, 0.1, 1e-6);
  const ReviewStats b = compute_review_stats(find_review_items(dir_ / "images", dir_ / "pred")[1]);
  EXPECT_NEAR(b.uncertainty, 0.45, 1e-6);
}

TEST_F(ReviewHandlerTest, SavedCorrectionIsAnImageMaskPairAndPredictionsStayUntouched) {
  const std::string before = core::read_file(dir_ / "pred/A_pred_mask.tif");
  const std::string edits =
      R"([{"op":"reject","x":20,"y":20},{"op":"polygon","mode":"add","points":[[20,60],[40,60],[40,80],[20,80]]}])";
  ASSERT_EQ(call("POST", "/api/edits", {{"name", "A"}}, edits).status, 200);
  EXPECT_EQ(call("POST", "/api/edits", {{"name", "A"}}, R"([{"op":"nope"}])").status, 400);
  const HttpResponse saved = call("POST", "/api/correction", {{"name", "A"}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  const io::Image mask = io::read_image(dir_ / "corrections/masks/A_mask.tif");
  EXPECT_EQ(cv::countNonZero(mask.pixels(test::kObjectA)), 0);
  EXPECT_EQ(cv::countNonZero(mask.pixels(test::kObjectB)), test::kObjectB.area());
  EXPECT_EQ(cv::countNonZero(mask.pixels(cv::Rect(20, 60, 21, 21))), 21 * 21);
  EXPECT_EQ(cv::countNonZero(mask.pixels), test::kObjectB.area() + 21 * 21);
  EXPECT_TRUE(fs::exists(dir_ / "corrections/images/A.tif"));
  EXPECT_EQ(core::read_file(dir_ / "pred/A_pred_mask.tif"), before);
  // validate_dataset accepts the saved pair: CmdReviewPredictionsTest.SavedCorrectionValidates.
  EXPECT_NE(call("GET", "/api/session").body.find(R"("corrected":true)"), std::string::npos);
}

TEST_F(ReviewHandlerTest, FinishSavesAndEnds) {
  EXPECT_FALSE(handler_->finished());
  EXPECT_EQ(call("GET", "/api/finish").status, 405);
  EXPECT_EQ(call("POST", "/api/finish").status, 200);
  EXPECT_TRUE(handler_->finished());
  handler_->wait_finished(nullptr);  // returns at once
  EXPECT_TRUE(fs::exists(dir_ / "session.json"));
}

}  // namespace
}  // namespace segoid::review
