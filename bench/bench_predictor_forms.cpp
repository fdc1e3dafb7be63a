// SPDX-License-Identifier: MIT
// Tiles per second of the predictor by batch size and inference form (BatchNorm folding,
// channels_last), to choose predict_full's defaults.
// Usage: bench_predictor_forms CHECKPOINT [TILE] [THREADS] [REPEATS]
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "segoid/infer/predictor.hpp"

int main(int argc, char** argv) {
  using namespace segoid;
  if (argc < 2) {
    std::cerr << "usage: bench_predictor_forms CHECKPOINT [TILE] [THREADS] [REPEATS]\n";
    return 2;
  }
  const int tile = argc > 2 ? std::stoi(argv[2]) : 256;
  const int threads = argc > 3 ? std::stoi(argv[3]) : 0;
  const int repeats = argc > 4 ? std::stoi(argv[4]) : 8;
  try {
    cv::Mat image(tile, tile, CV_32FC1);
    cv::randu(image, 0.0, 1.0);
    for (bool fold : {false, true}) {
      for (bool channels_last : {false, true}) {
        infer::PredictorOptions options;
        options.device = "cpu";
        options.threads = threads;
        options.channels_last = channels_last;
        options.fold_batchnorm = fold;
        options.form = "";  // the two flags decide, not the measured choice
        const infer::Predictor predictor = infer::Predictor::load(argv[1], options);
        for (int batch : {1, 4, 8}) {
          const std::vector<cv::Mat> tiles(batch, image);
          predictor.predict(tiles);  // warm-up: oneDNN picks kernels on the first call
          const auto start = std::chrono::steady_clock::now();
          for (int r = 0; r < repeats; r += batch) predictor.predict(tiles);
          const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          const int done = (repeats + batch - 1) / batch * batch;
          std::cout << fmt::format("fold_bn {:d} channels_last {:d} batch {}: {:.2f} tiles/s\n", fold, channels_last,
                                   batch, done / s);
        }
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_predictor_forms: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
