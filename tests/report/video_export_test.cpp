// SPDX-License-Identifier: MIT
// Review video export: frame count and size read back with cv::VideoCapture, codecs, errors.
#include "segoid/report/video_export.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <iostream>

#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"

namespace segoid::report {
namespace {

namespace fs = std::filesystem;

struct Slides {
  test::TempDir dir;
  std::vector<fs::path> images, masks;
  /// Three 16-bit images (300x200, 200x300, 300x200) with a disc each in their predicted mask.
  Slides() {
    const std::vector<cv::Size> sizes = {{300, 200}, {200, 300}, {300, 200}};
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      cv::Mat image(sizes[i], CV_16UC1, cv::Scalar(1000 + 500 * static_cast<int>(i)));
      cv::randn(image, 2000, 300);
      cv::Mat mask = cv::Mat::zeros(sizes[i], CV_8UC1);
      cv::circle(mask, {sizes[i].width / 2, sizes[i].height / 2}, 40, cv::Scalar(255), cv::FILLED);
      const std::string name = "img" + std::to_string(i);
      io::write_gray_tiff(dir / (name + ".tif"), image);
      io::write_mask_tiff(dir / (name + "_pred_mask.tif"), mask);
      images.push_back(dir / (name + ".tif"));
      masks.push_back(dir / (name + "_pred_mask.tif"));
    }
  }
};

VideoExportOptions small_options() {
  VideoExportOptions o;
  o.display_duration_s = 0.5;
  o.fps = 10;
  o.max_side = 128;
  o.show_progress = false;
  return o;
}

/// Frames decoded from the file (not the container's frame-count field).
std::vector<cv::Mat> read_frames(const fs::path& path) {
  cv::VideoCapture capture(path.string());
  EXPECT_TRUE(capture.isOpened()) << path;
  std::vector<cv::Mat> frames;
  for (cv::Mat frame; capture.read(frame);) frames.push_back(frame.clone());
  return frames;
}

TEST(VideoExportTest, AviHasExpectedFramesAndSize) {
  Slides slides;
  int last_progress = 0;
  VideoExportOptions options = small_options();
  options.on_progress = [&](int done, int total) {
    EXPECT_EQ(total, 3);
    last_progress = done;
  };
  const fs::path out = slides.dir / "out" / "review.avi";
  const VideoExportResult result = export_review_video(slides.images, slides.masks, out, options);
  EXPECT_EQ(last_progress, 3);
  EXPECT_EQ(result.codec, "MJPG");
  EXPECT_EQ(result.frames_per_view, 5);
  EXPECT_EQ(result.frames, 3 * 2 * 5);
  EXPECT_EQ(result.frame_size, cv::Size(128, 84));  // 300x200 scaled to 128 wide, height made even
  const std::vector<cv::Mat> frames = read_frames(out);
  ASSERT_EQ(frames.size(), 30u);
  for (const cv::Mat& f : frames) EXPECT_EQ(f.size(), cv::Size(128, 84));
  // Frame 0 is image 0 plain (gray), frame 5 the same with the red disc at the centre.
  const cv::Vec3b plain = frames[0].at<cv::Vec3b>(42, 64);
  const cv::Vec3b overlay = frames[5].at<cv::Vec3b>(42, 64);
  EXPECT_LT(std::abs(plain[2] - plain[0]), 30);
  EXPECT_GT(overlay[2] - overlay[0], 60);
  // No temporary file is left beside the video.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(out.parent_path())) files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST(VideoExportTest, Mp4IsWrittenOrRefusedClearly) {
  Slides slides;
  const fs::path out = slides.dir / "review.MP4";
  try {
    const VideoExportResult result = export_review_video(slides.images, slides.masks, out, small_options());
    EXPECT_EQ(result.codec, "mp4v");
    std::cout << "[   INFO   ] this OpenCV writes mp4v\n";
    const std::vector<cv::Mat> frames = read_frames(out);
    EXPECT_EQ(frames.size(), 30u);
    if (!frames.empty()) {
      EXPECT_EQ(frames[0].size(), cv::Size(128, 84));
    }
  } catch (const IoError& e) {
    // An OpenCV built without an MPEG-4 writer: the message names the file and the codec.
    std::cout << "[   INFO   ] this OpenCV has no mp4v writer: " << e.what() << "\n";
    EXPECT_NE(std::string(e.what()).find("review.MP4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("mp4v"), std::string::npos) << e.what();
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST(VideoExportTest, UnknownExtensionAndBadInputsAreClearErrors) {
  Slides slides;
  try {
    export_review_video(slides.images, slides.masks, slides.dir / "review.mkv", small_options());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("review.mkv"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(slides.dir / "review.mkv"));
  std::vector<fs::path> swapped = slides.masks;
  std::swap(swapped[0], swapped[1]);  // a 200x300 mask on a 300x200 image
  try {
    export_review_video(slides.images, swapped, slides.dir / "bad.avi", small_options());
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("img1_pred_mask.tif"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(slides.dir / "bad.avi"));
  EXPECT_THROW(export_review_video(slides.images, {}, slides.dir / "x.avi", small_options()), ConfigError);
}

TEST(VideoExportTest, MaxSideCapsTheFrameAndSmallImagesKeepTheirSize) {
  Slides slides;
  VideoExportOptions options = small_options();
  options.max_side = 1280;  // the default cap: 300x200 already fits
  options.display_duration_s = 0.1;
  const VideoExportResult result = export_review_video(slides.images, {fs::path(), fs::path(), fs::path()},
                                                       slides.dir / "full.avi", options);
  EXPECT_EQ(result.frame_size, cv::Size(300, 200));
  EXPECT_EQ(read_frames(slides.dir / "full.avi").size(), 6u);
}

}  // namespace
}  // namespace segoid::report
