// SPDX-License-Identifier: MIT
// How far tiled prediction is from one whole-image forward pass of the real U-Net: mean and max
// probability difference and mask Dice, for gaussian and mean blending.
// With OVERLAPS ("0.25,0.125,0.0625"), also the cost (tiles) and risk (Dice vs whole) of each
// overlap under the default blending, to choose predict_full's default overlap.
// Usage: bench_predict_tiling CHECKPOINT IMAGE [TILE] [THREADS] [OVERLAPS]
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "segoid/data/mask_metrics.hpp"
#include "segoid/infer/postprocess.hpp"
#include "segoid/infer/predictor.hpp"
#include "segoid/infer/tiler.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/normalization.hpp"

int main(int argc, char** argv) {
  using namespace segoid;
  if (argc < 3) {
    std::cerr << "usage: bench_predict_tiling CHECKPOINT IMAGE [TILE] [THREADS]\n";
    return 2;
  }
  try {
    infer::PredictorOptions options;
    options.device = "cpu";
    options.threads = argc > 4 ? std::stoi(argv[4]) : 0;
    options.form = "";  // the flags' form, no measurement
    options.tile_size = argc > 3 ? std::stoi(argv[3]) : 0;  // 0: the checkpoint's
    const infer::Predictor predictor = infer::Predictor::load(argv[1], options);
    const int tile = predictor.runtime().tile_size;
    cv::Mat image = io::normalize_intensity(io::read_image(argv[2]).pixels, predictor.checkpoint().model.normalization);
    // The whole-image pass needs sides that are multiples of 32: crop the remainder.
    image = image(cv::Rect(0, 0, image.cols / 32 * 32, image.rows / 32 * 32)).clone();
    const cv::Mat whole = predictor.predict({image})[0];
    cv::Mat whole_mask = infer::threshold_probability(whole, 0.5);
    std::cout << fmt::format("image {}x{}, tile {}, whole-image foreground {:.2f}%\n", image.cols, image.rows, tile,
                             100.0 * cv::countNonZero(whole_mask) / image.total());
    for (infer::BlendMode blend : {infer::BlendMode::kGaussian, infer::BlendMode::kMean}) {
      if (argc > 5) break;  // an overlap list asks for the overlap comparison only
      for (int margin : {-1, 0}) {
        infer::TilingOptions tiling;
        tiling.tile_size = tile;
        tiling.batch_size = predictor.runtime().batch_size;
        tiling.blend = blend;
        tiling.edge_margin = margin;
        const cv::Mat tiled = infer::predict_tiled(
            image, [&](const std::vector<cv::Mat>& t) { return predictor.predict(t); }, tiling);
        const cv::Mat diff = cv::abs(tiled - whole);
        double max_diff = 0.0;
        cv::minMaxLoc(diff, nullptr, &max_diff);
        const data::PixelMetrics m = data::pixel_metrics(infer::threshold_probability(tiled, 0.5), whole_mask);
        std::cout << fmt::format("{:8} blend, edge margin {:2} px: mean |dp| {:.2e}, max |dp| {:.2e}, mask Dice vs whole "
                                 "{:.5f}\n",
                                 infer::to_string(blend), infer::resolve_edge_margin(tiling), cv::mean(diff)[0], max_diff,
                                 m.dice);
      }
    }
    if (argc > 5) {
      std::stringstream list(argv[5]);
      for (std::string item; std::getline(list, item, ',');) {
        infer::TilingOptions tiling;
        tiling.tile_size = tile;
        tiling.batch_size = predictor.runtime().batch_size;
        tiling.overlap = std::stod(item);
        const cv::Mat tiled = infer::predict_tiled(
            image, [&](const std::vector<cv::Mat>& t) { return predictor.predict(t); }, tiling);
        const data::PixelMetrics m = data::pixel_metrics(infer::threshold_probability(tiled, 0.5), whole_mask);
        std::cout << fmt::format("overlap {:6.4f}: {:4d} tiles ({:.2f}x the image area), gaussian, edge margin {:2} px: "
                                 "mask Dice vs whole {:.5f} (bound: >= 0.999)\n",
                                 tiling.overlap, infer::count_tiles(image.size(), tiling),
                                 infer::count_tiles(image.size(), tiling) * double(tile) * tile / image.total(),
                                 infer::resolve_edge_margin(tiling), m.dice);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_predict_tiling: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
