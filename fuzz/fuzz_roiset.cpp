// SPDX-License-Identifier: MIT
// libFuzzer target: Fiji RoiSet.zip archives and single .roi files through io::read_roiset, each
// ROI filled into a mask, and every decoded ROI surviving its own re-encoding.
#include <opencv2/core.hpp>

#include <cstdint>

#include "fuzz_support.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/imagej_roi.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  const auto path = segoid::fuzz::write_scratch("RoiSet.zip", data, size);
  try {
    const std::vector<segoid::io::ImageJRoi> rois = segoid::io::read_roiset(path);
    cv::Mat mask = cv::Mat::zeros(64, 64, CV_8UC1);
    for (const auto& roi : rois) {
      segoid::io::fill_imagej_roi(roi, mask);
      std::string bytes;
      try {
        bytes = segoid::io::encode_imagej_roi(roi);
      } catch (const segoid::DataError&) {
        continue;  // e.g. negative coordinates, which ImageJ cannot write either
      }
      const segoid::io::ImageJRoi again = segoid::io::decode_imagej_roi(bytes, "re-encoded");
      if (again.type != roi.type || again.points != roi.points) __builtin_trap();
    }
  } catch (const segoid::Error&) {
  }
  return 0;
}
