// SPDX-License-Identifier: MIT
// Peak memory of predict_full's image path on a large image, without the network's cost: read,
// normalize, tile and blend (a copy-through predictor stands in for the U-Net), post-process and
// write, as run_predict_full does. Run under /usr/bin/time -v and add the model's own footprint.
// Usage: bench_predict_memory IMAGE OUT_DIR [TILE]
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "segoid/infer/postprocess.hpp"
#include "segoid/infer/tiler.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/normalization.hpp"

int main(int argc, char** argv) {
  using namespace segoid;
  if (argc < 3) {
    std::cerr << "usage: bench_predict_memory IMAGE OUT_DIR [TILE]\n";
    return 2;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    const auto seconds = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    cv::Mat normalized = io::normalize_intensity(io::read_image(argv[1]).pixels, io::Normalization::kRange);
    std::cout << fmt::format("read + normalize {}x{}: {:.1f} s\n", normalized.cols, normalized.rows, seconds());
    infer::TilingOptions tiling;
    tiling.tile_size = argc > 3 ? std::stoi(argv[3]) : 256;
    tiling.batch_size = 4;  // no model: the batch only sets how many tiles are in memory at once
    const auto copy_through = [](const std::vector<cv::Mat>& tiles) {
      std::vector<cv::Mat> out;
      for (const auto& t : tiles) out.push_back(t.clone());
      return out;
    };
    const cv::Mat prob = infer::predict_tiled(normalized, copy_through, tiling);
    normalized.release();
    std::cout << fmt::format("tiled blend ({} tiles): {:.1f} s\n", infer::count_tiles(prob.size(), tiling), seconds());
    infer::PostprocessOptions post;
    post.min_object_area = 100;
    const cv::Mat mask = infer::postprocess(prob, post);
    std::cout << fmt::format("post-process: {:.1f} s\n", seconds());
    io::write_mask_tiff(std::filesystem::path(argv[2]) / "big_pred_mask.tif", mask);
    io::write_float_tiff(std::filesystem::path(argv[2]) / "big_pred_prob.tif", prob);
    std::cout << fmt::format("written: {:.1f} s\n", seconds());
  } catch (const std::exception& e) {
    std::cerr << "bench_predict_memory: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
