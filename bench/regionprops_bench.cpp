// SPDX-License-Identifier: MIT
// Times labelling + regionprops + instance matching on a large synthetic mask, beside
// scikit-image's label + regionprops on the same mask (when /usr/bin/python3 has skimage).
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "segoid/analysis/instance_eval.hpp"
#include "segoid/analysis/region_props.hpp"
#include "segoid/core/rng.hpp"

namespace {

constexpr int kSide = 8192;
constexpr int kDiscs = 2500;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
  using namespace segoid;
  cv::Mat truth(kSide, kSide, CV_8UC1, cv::Scalar(0)), pred;
  core::Rng rng(1);
  for (int i = 0; i < kDiscs; ++i) {
    const cv::Point centre(static_cast<int>(rng.uniform_int(0, kSide - 1)), static_cast<int>(rng.uniform_int(0, kSide - 1)));
    cv::circle(truth, centre, static_cast<int>(rng.uniform_int(10, 60)), cv::Scalar(255), cv::FILLED);
  }
  cv::erode(truth, pred, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));

  auto start = std::chrono::steady_clock::now();
  const analysis::LabeledMask labeled = analysis::label_objects(truth);
  const auto props = analysis::region_props(labeled);
  const double ours = seconds_since(start);
  start = std::chrono::steady_clock::now();
  const analysis::InstanceEval eval = analysis::evaluate_instances(analysis::label_objects(pred), labeled, 0.5);
  const double matching = seconds_since(start);
  std::printf("%dx%d mask, %zu objects: label + regionprops %.3f s; label prediction + match %.3f s (TP %d)\n",
              kSide, kSide, props.size(), ours, matching, eval.tp);

  const std::filesystem::path png = std::filesystem::temp_directory_path() / "segoid_regionprops_bench.png";
  cv::imwrite(png.string(), truth);
  const std::string script =
      "import time,sys\nfrom skimage import io,measure\nm=io.imread(sys.argv[1])>0\nt=time.time()\n"
      "l=measure.label(m,connectivity=2)\n"
      "v=[(p.area,p.perimeter,p.major_axis_length,p.minor_axis_length,p.eccentricity,p.centroid,p.bbox) "
      "for p in measure.regionprops(l)]\nprint(time.time()-t)\n";
  const std::string command = "/usr/bin/python3 -c '" + script + "' " + png.string() + " 2>/dev/null";
  double reference = 0;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    if (std::fscanf(pipe, "%lf", &reference) != 1) reference = 0;
    pclose(pipe);
  }
  std::filesystem::remove(png);
  if (reference > 0) {
    std::printf("scikit-image label + regionprops: %.3f s; ratio %.1fx\n", reference, reference / ours);
  } else {
    std::printf("scikit-image not available: no reference time\n");
  }
  return 0;
}
