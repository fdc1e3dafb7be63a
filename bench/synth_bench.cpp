// SPDX-License-Identifier: MIT
// Times `synthesize_plate` (ms/image) and optionally writes look-check previews (PNG) of its output.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "segoid/synth/synth_plate.hpp"

namespace {

// Stretches an 8/16-bit image to 8 bits between its 0.5th and 99.5th percentiles' worth of range.
cv::Mat to_display(const cv::Mat& image) {
  cv::Mat f;
  image.convertTo(f, CV_32F);
  double lo = 0, hi = 0;
  cv::minMaxLoc(f, &lo, &hi);
  cv::Mat out;
  f.convertTo(out, CV_8U, 255.0 / std::max(1.0, hi - lo), -lo * 255.0 / std::max(1.0, hi - lo));
  return out;
}

void write_previews(const segoid::synth::SynthImage& synth, const std::string& stem) {
  const cv::Mat gray = to_display(synth.image);
  cv::Mat small;
  cv::resize(gray, small, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  cv::imwrite(stem + "_whole.png", small);
  cv::Mat color;
  cv::cvtColor(gray, color, cv::COLOR_GRAY2BGR);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(synth.mask.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  cv::Mat overlay = color.clone();
  cv::drawContours(overlay, contours, -1, cv::Scalar(0, 0, 255), 1);
  const cv::Rect crop(0, 0, std::min(400, gray.cols), std::min(400, gray.rows));
  cv::Mat side;
  cv::hconcat(color(crop), overlay(crop), side);
  cv::imwrite(stem + "_crop.png", side);
  // Spheroid close-ups, each stretched on its own like the real crops in shared/data/real.
  std::vector<cv::Mat> tiles;
  for (const auto& s : synth.spheroids) {
    if (tiles.size() == 12) break;
    const cv::Rect box(static_cast<int>(s.center.x) - 100, static_cast<int>(s.center.y) - 100, 200, 200);
    if ((box & cv::Rect(0, 0, gray.cols, gray.rows)) != box) continue;
    cv::Mat tile = to_display(synth.image(box));
    cv::resize(tile, tile, cv::Size(150, 150), 0, 0, cv::INTER_AREA);
    tiles.push_back(tile);
  }
  if (tiles.size() == 12) {
    std::vector<cv::Mat> rows;
    for (int r = 0; r < 3; ++r) {
      cv::Mat row;
      cv::hconcat(std::vector<cv::Mat>(tiles.begin() + 4 * r, tiles.begin() + 4 * r + 4), row);
      rows.push_back(row);
    }
    cv::Mat mosaic;
    cv::vconcat(rows, mosaic);
    cv::imwrite(stem + "_spheroids.png", mosaic);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Usage: synth_bench [n_images] [preview_dir] [bit_depth]
  const int n_images = argc > 1 ? std::atoi(argv[1]) : 5;
  const std::string preview_dir = argc > 2 ? argv[2] : "";
  segoid::synth::SynthConfig config;
  if (argc > 3) config.bit_depth = std::atoi(argv[3]);
  double total_ms = 0.0;
  for (int i = 0; i < n_images; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto synth = segoid::synth::synthesize_plate(config, static_cast<std::uint64_t>(i));
    total_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!preview_dir.empty()) write_previews(synth, preview_dir + "/synth_" + std::to_string(i));
  }
  std::cout << "synthesize_plate " << config.width << "x" << config.height << " " << config.bit_depth
            << "-bit: " << total_ms / n_images << " ms/image over " << n_images << " images\n";
  return 0;
}
