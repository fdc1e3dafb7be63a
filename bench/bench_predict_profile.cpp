// SPDX-License-Identifier: MIT
// Where predict_full's time goes on one image: start-up (checkpoint, inference form), read,
// normalize, model, tiling/blending outside the model, post-processing and writing; and the
// model-only floor (the image area once, no overlap, at the model's best measured tile rate).
// Usage: bench_predict_profile CHECKPOINT IMAGE [TILE=patch] [OVERLAP=0.25] [BATCH=4] [THREADS=0]
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "segoid/infer/postprocess.hpp"
#include "segoid/infer/predictor.hpp"
#include "segoid/infer/tiler.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/normalization.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
constexpr int kFloorRounds = 3;  ///< timed full batches for the model-only rate (best is kept)

}  // namespace

int main(int argc, char** argv) {
  using namespace segoid;
  if (argc < 3) {
    std::cerr << "usage: bench_predict_profile CHECKPOINT IMAGE [TILE] [OVERLAP] [BATCH] [THREADS]\n";
    return 2;
  }
  try {
    const auto t_load = Clock::now();
    infer::PredictorOptions options;
    options.device = "cpu";
    options.threads = argc > 6 ? std::stoi(argv[6]) : 0;
    options.form = "auto";  // no cache: the first-use measurement is part of the start-up shown
    options.tile_size = argc > 3 ? std::stoi(argv[3]) : 0;  // 0: the checkpoint's
    const infer::Predictor predictor = infer::Predictor::load(argv[1], options);
    const double load_s = since(t_load);
    infer::TilingOptions tiling;
    tiling.tile_size = predictor.runtime().tile_size;
    tiling.overlap = argc > 4 ? std::stod(argv[4]) : 0.25;
    tiling.batch_size = argc > 5 ? std::stoi(argv[5]) : 4;

    auto t = Clock::now();
    const io::Image raw = io::read_image(argv[2]);
    const double read_s = since(t);
    t = Clock::now();
    const cv::Mat image =
        io::normalize_intensity(raw.pixels, predictor.checkpoint().model.normalization);
    const double normalize_s = since(t);
    const double model_before = predictor.model_seconds();
    t = Clock::now();
    const cv::Mat prob = infer::predict_tiled(
        image, [&](const std::vector<cv::Mat>& tiles) { return predictor.predict(tiles); }, tiling);
    const double tiled_s = since(t);
    const double model_s = predictor.model_seconds() - model_before;
    t = Clock::now();
    const cv::Mat mask = infer::postprocess(prob, infer::PostprocessOptions{});
    const double post_s = since(t);
    t = Clock::now();
    io::write_mask_tiff("/tmp/bench_predict_profile_mask.tif", mask);
    io::write_float_tiff("/tmp/bench_predict_profile_prob.tif", prob);
    const double write_s = since(t);

    // Model-only rate: full batches of one tile position, no tiling work around them.
    const std::vector<cv::Mat> batch(tiling.batch_size, image(cv::Rect(0, 0, tiling.tile_size, tiling.tile_size)));
    double best = 1e300;
    for (int round = 0; round < kFloorRounds; ++round) {
      const auto start = Clock::now();
      predictor.predict(batch);
      best = std::min(best, since(start));
    }
    const double pixel_rate = tiling.batch_size * double(tiling.tile_size) * tiling.tile_size / best;
    const double floor_s = double(image.total()) / pixel_rate;
    const int tiles = infer::count_tiles(image.size(), tiling);
    const double total_s = load_s + read_s + normalize_s + tiled_s + post_s + write_s;
    std::cout << fmt::format("image {}x{}, tile {}, overlap {}, batch {}, {} tiles ({:.2f}x the image area), "
                             "{} thread(s), inference form {} ({})\n",
                             image.cols, image.rows, tiling.tile_size, tiling.overlap, tiling.batch_size, tiles,
                             tiles * double(tiling.tile_size) * tiling.tile_size / image.total(),
                             predictor.runtime().threads, predictor.runtime().form,
                             predictor.runtime().form_source);
    const auto row = [&](const char* what, double s) {
      std::cout << fmt::format("  {:<34} {:8.3f} s  {:5.1f}%\n", what, s, 100.0 * s / total_s);
    };
    row("start-up (load + form measurement)", load_s);
    row("read", read_s);
    row("normalize", normalize_s);
    row("model (inside Predictor::predict)", model_s);
    row("tiling + blending outside the model", tiled_s - model_s);
    row("post-process", post_s);
    row("write mask + probabilities", write_s);
    std::cout << fmt::format("  {:<34} {:8.3f} s\n", "total", total_s);
    std::cout << fmt::format("model-only floor: {:.3f} s (image area once at {:.0f} px/s, best of {} batches)\n",
                             floor_s, pixel_rate, kFloorRounds);
    std::cout << fmt::format("model use: {:.0f}% of the floor over the whole run, {:.0f}% over the model time "
                             "(goal >= 60%)\n",
                             100.0 * floor_s / total_s, 100.0 * floor_s / model_s);
  } catch (const std::exception& e) {
    std::cerr << "bench_predict_profile: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
