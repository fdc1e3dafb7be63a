// SPDX-License-Identifier: MIT
// Tests for mask post-processing against naive flood-fill references kept here.
#include "segoid/infer/postprocess.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/rng.hpp"
#include "test_support.hpp"

namespace segoid::infer {
namespace {

/// Random blobby mask: noise smoothed and thresholded, so it has objects, holes and specks.
cv::Mat random_mask(int rows, int cols, std::uint64_t seed, double density) {
  core::Rng rng(seed);
  cv::Mat mask(rows, cols, CV_8UC1);
  for (int row = 0; row < rows; ++row) {
    for (int col = 0; col < cols; ++col) mask.at<unsigned char>(row, col) = rng.bernoulli(density) ? 255 : 0;
  }
  return mask;
}

/// Breadth-first labelling with 4 or 8 neighbours of pixels whose value equals `value`.
std::vector<std::vector<cv::Point>> naive_components(const cv::Mat& mask, bool value, int connectivity) {
  cv::Mat seen(mask.size(), CV_8UC1, cv::Scalar(0));
  std::vector<std::vector<cv::Point>> components;
  for (int row = 0; row < mask.rows; ++row) {
    for (int col = 0; col < mask.cols; ++col) {
      if ((mask.at<unsigned char>(row, col) != 0) != value || seen.at<unsigned char>(row, col)) continue;
      std::vector<cv::Point> comp{{col, row}};
      seen.at<unsigned char>(row, col) = 1;
      for (std::size_t i = 0; i < comp.size(); ++i) {
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            if ((dx == 0 && dy == 0) || (connectivity == 4 && dx != 0 && dy != 0)) continue;
            const cv::Point q(comp[i].x + dx, comp[i].y + dy);
            if (q.x < 0 || q.y < 0 || q.x >= mask.cols || q.y >= mask.rows) continue;
            if ((mask.at<unsigned char>(q) != 0) != value || seen.at<unsigned char>(q)) continue;
            seen.at<unsigned char>(q) = 1;
            comp.push_back(q);
          }
        }
      }
      components.push_back(comp);
    }
  }
  return components;
}

cv::Mat naive_fill_holes(const cv::Mat& mask) {
  cv::Mat out = mask.clone();
  for (const auto& comp : naive_components(mask, false, 4)) {
    bool touches_border = false;
    for (const auto& p : comp) {
      touches_border |= p.x == 0 || p.y == 0 || p.x == mask.cols - 1 || p.y == mask.rows - 1;
    }
    if (!touches_border) {
      for (const auto& p : comp) out.at<unsigned char>(p) = 255;
    }
  }
  return out;
}

cv::Mat naive_remove_small(const cv::Mat& mask, int min_area) {
  cv::Mat out = mask.clone();
  for (const auto& comp : naive_components(mask, true, 8)) {
    if (static_cast<int>(comp.size()) < min_area) {
      for (const auto& p : comp) out.at<unsigned char>(p) = 0;
    }
  }
  return out;
}

bool same(const cv::Mat& a, const cv::Mat& b) { return cv::countNonZero(a != b) == 0; }

TEST(PostprocessTest, FillHolesMatchesFloodFillReference) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const cv::Mat mask = random_mask(23 + static_cast<int>(seed), 31, seed, 0.55 + 0.02 * (seed % 5));
    const cv::Mat filled = fill_holes(mask);
    EXPECT_TRUE(same(filled, naive_fill_holes(mask))) << "seed " << seed;
    EXPECT_GE(cv::countNonZero(filled), cv::countNonZero(mask));
  }
}

TEST(PostprocessTest, FillHolesUsesFourConnectedBackground) {
  // A ring of 8-connected diagonal steps: background inside touches the outside only diagonally,
  // so with 4-connected background (scipy's default) it is a hole and gets filled.
  cv::Mat mask(5, 5, CV_8UC1, cv::Scalar(0));
  for (cv::Point p : {cv::Point(2, 1), cv::Point(1, 2), cv::Point(3, 2), cv::Point(2, 3)}) mask.at<unsigned char>(p) = 255;
  EXPECT_EQ(fill_holes(mask).at<unsigned char>(2, 2), 255);
  EXPECT_EQ(cv::countNonZero(fill_holes(mask)), 5);
}

TEST(PostprocessTest, RemoveSmallObjectsMatchesReference) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const cv::Mat mask = random_mask(40, 37, 100 + seed, 0.3 + 0.03 * (seed % 5));
    for (int min_area : {2, 5, 12}) {
      EXPECT_TRUE(same(remove_small_objects(mask, min_area), naive_remove_small(mask, min_area)))
          << "seed " << seed << " min_area " << min_area;
    }
  }
}

TEST(PostprocessTest, ThresholdIsStrictlyGreater) {
  cv::Mat prob = (cv::Mat_<float>(1, 3) << 0.49f, 0.5f, 0.51f);
  const cv::Mat mask = threshold_probability(prob, 0.5);
  EXPECT_EQ(mask.at<unsigned char>(0, 0), 0);
  EXPECT_EQ(mask.at<unsigned char>(0, 1), 0);
  EXPECT_EQ(mask.at<unsigned char>(0, 2), 255);
}

TEST(PostprocessTest, SmoothingRemovesSpecksAndKeepsDiscs) {
  cv::Mat mask(100, 100, CV_8UC1, cv::Scalar(0));
  cv::circle(mask, cv::Point(50, 50), 25, cv::Scalar(255), cv::FILLED);
  mask.at<unsigned char>(5, 5) = 255;           // isolated speck
  cv::line(mask, {75, 50}, {95, 50}, cv::Scalar(255), 1);  // one-pixel whisker
  const int disc_area = cv::countNonZero(mask(cv::Rect(20, 20, 61, 61)));
  const cv::Mat smooth = smooth_mask(mask, 2);
  EXPECT_EQ(smooth.at<unsigned char>(5, 5), 0);
  EXPECT_EQ(smooth.at<unsigned char>(50, 90), 0);
  EXPECT_NEAR(cv::countNonZero(smooth), disc_area, 0.02 * disc_area);
}

TEST(PostprocessTest, ChainFillsHolesBeforeMeasuringObjects) {
  // A ring of 40 pixels enclosing a 9-pixel hole: after filling it has 49 pixels and survives
  // min_object_area 45, which the bare ring would not.
  cv::Mat prob(20, 20, CV_32FC1, cv::Scalar(0));
  prob(cv::Rect(5, 5, 7, 7)).setTo(0.9);
  prob(cv::Rect(7, 7, 3, 3)).setTo(0.1);
  prob.at<float>(0, 19) = 0.8f;  // speck
  PostprocessOptions options;
  options.min_object_area = 45;
  const cv::Mat mask = postprocess(prob, options);
  EXPECT_EQ(cv::countNonZero(mask), 49);
  EXPECT_EQ(mask.at<unsigned char>(8, 8), 255);
  options.fill_holes = false;
  EXPECT_EQ(cv::countNonZero(postprocess(prob, options)), 0);  // the bare 40-pixel ring is too small
}

std::string mask_to_text(const cv::Mat& mask) {
  std::string text;
  for (int row = 0; row < mask.rows; ++row) {
    for (int col = 0; col < mask.cols; ++col) text += mask.at<unsigned char>(row, col) ? "1 " : "0 ";
    text += "\n";
  }
  return text;
}

cv::Mat mask_from_text(const std::string& text, int rows, int cols) {
  cv::Mat mask(rows, cols, CV_8UC1, cv::Scalar(0));
  int index = 0;
  for (char c : text) {
    if (c != '0' && c != '1') continue;
    if (index < rows * cols) mask.at<unsigned char>(index / cols, index % cols) = c == '1' ? 255 : 0;
    ++index;
  }
  EXPECT_EQ(index, rows * cols);
  return mask;
}

/// Runs `script` (the reference) with /usr/bin/python3 from `dir`/ref.py; its output on failure.
::testing::AssertionResult run_reference(const test::TempDir& dir, const std::string& script) {
  core::write_file_atomic(dir / "ref.py", script);
  std::string output;
  if (test::run_command("/usr/bin/python3 " + (dir / "ref.py").string(), &output) == 0) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "reference script failed: " << output;
}

TEST(PostprocessTest, MatchesScipyAndScikitImage) {
  if (!test::python_has("numpy scipy skimage")) GTEST_SKIP() << "needs /usr/bin/python3 with scipy and scikit-image";
  test::TempDir dir;
  const cv::Mat mask = random_mask(60, 70, 4242, 0.5);
  core::write_file_atomic(dir / "mask.txt", mask_to_text(mask));
  const std::string script =
      "import numpy as np, scipy.ndimage as ndi, skimage.morphology as morph\n"
      "m = np.loadtxt('" + (dir / "mask.txt").string() + "').astype(bool)\n"
      "np.savetxt('" + (dir / "filled.txt").string() + "', ndi.binary_fill_holes(m), fmt='%d')\n"
      "np.savetxt('" + (dir / "small.txt").string() + "', morph.remove_small_objects(m, 6, connectivity=2), fmt='%d')\n";
  ASSERT_TRUE(run_reference(dir, script));
  // The mask must have holes and small objects, or the comparison would prove nothing.
  ASSERT_GT(cv::countNonZero(fill_holes(mask)), cv::countNonZero(mask));
  ASSERT_LT(cv::countNonZero(remove_small_objects(mask, 6)), cv::countNonZero(mask));
  EXPECT_TRUE(same(fill_holes(mask), mask_from_text(core::read_file(dir / "filled.txt"), 60, 70)));
  EXPECT_TRUE(same(remove_small_objects(mask, 6), mask_from_text(core::read_file(dir / "small.txt"), 60, 70)));
}

cv::Mat disc(cv::Size size, cv::Point center, int radius) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
  cv::circle(mask, center, radius, cv::Scalar(255), cv::FILLED);
  return mask;
}

double iou(const cv::Mat& a, const cv::Mat& b) {
  return static_cast<double>(cv::countNonZero(a & b)) / cv::countNonZero(a | b);
}

cv::Mat component_mask(cv::Size size, const std::vector<cv::Point>& pixels) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
  for (const cv::Point& p : pixels) mask.at<unsigned char>(p) = 255;
  return mask;
}

/// For each true body, the best IoU of the 8-connected objects of `split` with it.
std::vector<double> best_ious(const cv::Mat& split, const std::vector<cv::Mat>& bodies) {
  std::vector<double> best(bodies.size(), 0.0);
  for (const auto& pixels : naive_components(split, true, 8)) {
    const cv::Mat object = component_mask(split.size(), pixels);
    for (std::size_t i = 0; i < bodies.size(); ++i) best[i] = std::max(best[i], iou(object, bodies[i]));
  }
  return best;
}

TEST(SplitTouchingTest, CutsTouchingDiscsApartAtTheirNeck) {
  // The synthesizer's touching pairs: centres 0.94 x the sum of the radii apart.
  const cv::Size size(200, 120);
  const std::vector<cv::Mat> bodies = {disc(size, {50, 60}, 30), disc(size, {97, 60}, 20), disc(size, {160, 60}, 20)};
  const cv::Mat mask = bodies[0] | bodies[1] | bodies[2];
  ASSERT_EQ(naive_components(mask, true, 8).size(), 2U);  // the first two touch; the third is alone
  const cv::Mat split = split_touching(mask, 0.5);
  EXPECT_EQ(cv::countNonZero(split & ~mask), 0);  // only ever removes pixels
  const std::vector<std::vector<cv::Point>> objects = naive_components(split, true, 8);
  ASSERT_EQ(objects.size(), 3U);
  for (const double best : best_ious(split, bodies)) EXPECT_GT(best, 0.95);
  // The lone disc is untouched, pixel for pixel.
  EXPECT_EQ(cv::countNonZero((split ^ mask) & bodies[2]), 0);
}

TEST(SplitTouchingTest, TheNeckRatioDecides) {
  // Two discs of radius 30, centres 56 apart: the neck is 2 x sqrt(30^2 - 28^2) = 21.5 px wide,
  // 0.36 of the diameter, so a ratio of 0.5 cuts and 0.3 does not.
  const cv::Size size(160, 100);
  const std::vector<cv::Mat> bodies = {disc(size, {50, 50}, 30), disc(size, {106, 50}, 30)};
  const cv::Mat mask = bodies[0] | bodies[1];
  EXPECT_EQ(naive_components(split_touching(mask, 0.5), true, 8).size(), 2U);
  EXPECT_TRUE(same(split_touching(mask, 0.3), mask));
}

TEST(SplitTouchingTest, LeavesEllipsesBudsAndObjectsAtTheBorderWhole) {
  const cv::Size size(260, 160);
  cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
  cv::ellipse(mask, {60, 50}, {45, 14}, 30.0, 0.0, 360.0, cv::Scalar(255), cv::FILLED);
  // A bud of radius 12 on a body of radius 40 is part of it (the synthesizer's "budding" kind).
  mask |= disc(size, {170, 80}, 40) | disc(size, {170 + 38, 80 - 12}, 12);
  mask |= disc(size, {20, 150}, 25);  // cut by two image borders
  ASSERT_EQ(naive_components(mask, true, 8).size(), 3U);
  EXPECT_TRUE(same(split_touching(mask, 0.5), mask));
  EXPECT_TRUE(same(split_touching(cv::Mat::zeros(size, CV_8UC1), 0.5), cv::Mat::zeros(size, CV_8UC1)));
}

TEST(SplitTouchingTest, ThePartsOfAChainAreSeparateObjects) {
  // Three discs in a row, one of them cut by the image border: the gaps leave no diagonal contact.
  const cv::Size size(150, 60);
  const std::vector<cv::Mat> bodies = {disc(size, {10, 30}, 22), disc(size, {51, 30}, 22), disc(size, {92, 30}, 22)};
  const cv::Mat split = split_touching(bodies[0] | bodies[1] | bodies[2], 0.5);
  EXPECT_EQ(naive_components(split, true, 8).size(), 3U);
  for (const double best : best_ious(split, bodies)) EXPECT_GT(best, 0.93);
}

TEST(SplitTouchingTest, MatchesScikitImageWatershed) {
  if (!test::python_has("numpy scipy skimage")) GTEST_SKIP() << "needs /usr/bin/python3 with scipy and scikit-image";
  // Touching pairs of unequal size, a chain and a lone ellipse; the same cores, then
  // skimage.segmentation.watershed(-distance, cores, mask) and the same gap rule.
  const cv::Size size(220, 140);
  cv::Mat mask = disc(size, {45, 45}, 30) | disc(size, {92, 45}, 20) | disc(size, {40, 110}, 22) |
                 disc(size, {81, 110}, 22) | disc(size, {122, 110}, 18);
  cv::ellipse(mask, {170, 60}, {40, 15}, 70.0, 0.0, 360.0, cv::Scalar(255), cv::FILLED);
  test::TempDir dir;
  core::write_file_atomic(dir / "mask.txt", mask_to_text(mask));
  const std::string script =
      "import numpy as np, scipy.ndimage as ndi\n"
      "from skimage.measure import label\n"
      "from skimage.segmentation import watershed\n"
      "m = np.loadtxt('" + (dir / "mask.txt").string() + "').astype(bool)\n"
      "objects = label(m, connectivity=2)\n"
      "d = ndi.distance_transform_edt(m)\n"
      "peak = ndi.maximum(d, objects, index=objects)\n"
      "cores = label(d > 0.5 * peak, connectivity=2)\n"
      "parts = watershed(-d, cores, mask=m)\n"
      "p = np.pad(parts, 1)\n"
      "out = parts > 0\n"
      "for dy in (-1, 0, 1):\n"
      "    for dx in (-1, 0, 1):\n"
      "        n = p[1 + dy:p.shape[0] - 1 + dy, 1 + dx:p.shape[1] - 1 + dx]\n"
      "        out &= ~((n > 0) & (n != parts))\n"
      "np.savetxt('" + (dir / "split.txt").string() + "', out, fmt='%d')\n";
  ASSERT_TRUE(run_reference(dir, script));
  const cv::Mat reference = mask_from_text(core::read_file(dir / "split.txt"), size.height, size.width);
  const cv::Mat split = split_touching(mask, 0.5);
  ASSERT_EQ(naive_components(reference, true, 8).size(), 6U);  // the reference splits too
  EXPECT_EQ(naive_components(split, true, 8).size(), 6U);
  // The same flood (deepest first, ties first come first): pixel for pixel.
  EXPECT_EQ(cv::countNonZero(split != reference), 0) << "of " << cv::countNonZero(mask) << " object pixels";
}

TEST(RemoveUnsureObjectsTest, AnObjectGoesByTheMeanProbabilityOfItsPixels) {
  const cv::Size size(160, 100);
  const cv::Mat sure = disc(size, {40, 50}, 25);
  const cv::Mat unsure = disc(size, {115, 50}, 25);
  cv::Mat probability(size, CV_32FC1, cv::Scalar(0.1));
  probability.setTo(0.95, sure);
  // The unsure disc: 0.95 on its left half, 0.55 on the right; its mean from the pixel counts.
  cv::Mat left = cv::Mat::zeros(size, CV_8UC1);
  left(cv::Rect(0, 0, 115, size.height)).setTo(255);
  probability.setTo(0.95, unsure & left);
  probability.setTo(0.55, unsure & ~left);
  const double n_left = cv::countNonZero(unsure & left);
  const double n_right = cv::countNonZero(unsure & ~left);
  const double mean = (0.95 * n_left + 0.55 * n_right) / (n_left + n_right);
  ASSERT_GT(mean, 0.7);
  ASSERT_LT(mean, 0.8);
  const cv::Mat mask = sure | unsure;
  EXPECT_TRUE(same(remove_unsure_objects(mask, probability, mean + 0.01), sure));
  EXPECT_TRUE(same(remove_unsure_objects(mask, probability, mean - 0.01), mask));
  EXPECT_TRUE(same(remove_unsure_objects(mask, probability, 0.0), mask));
  EXPECT_EQ(cv::countNonZero(remove_unsure_objects(mask, probability, 0.96)), 0);
  // The probability outside an object does not count, however high.
  cv::Mat high_outside = probability.clone();
  high_outside.setTo(1.0, ~mask);
  EXPECT_TRUE(same(remove_unsure_objects(mask, high_outside, mean + 0.01), sure));
}

TEST(RemoveUnsureObjectsTest, MatchesScipyLabelMeans) {
  if (!test::python_has("numpy scipy")) GTEST_SKIP() << "needs /usr/bin/python3 with scipy";
  // Random objects with random probabilities; scipy.ndimage.label (8-connected) and
  // scipy.ndimage.mean per object give the reference.
  test::TempDir dir;
  const cv::Mat mask = random_mask(60, 70, 977, 0.45);
  cv::Mat probability(mask.size(), CV_32FC1);
  core::Rng rng(31);
  for (int row = 0; row < mask.rows; ++row) {
    for (int col = 0; col < mask.cols; ++col) probability.at<float>(row, col) = static_cast<float>(rng.uniform(0.5, 1.0));
  }
  std::string prob_text;
  for (int row = 0; row < mask.rows; ++row) {
    for (int col = 0; col < mask.cols; ++col) prob_text += fmt::format("{:.9g} ", probability.at<float>(row, col));
    prob_text += "\n";
  }
  core::write_file_atomic(dir / "mask.txt", mask_to_text(mask));
  core::write_file_atomic(dir / "prob.txt", prob_text);
  const std::string script =
      "import numpy as np, scipy.ndimage as ndi\n"
      "m = np.loadtxt('" + (dir / "mask.txt").string() + "').astype(bool)\n"
      "p = np.loadtxt('" + (dir / "prob.txt").string() + "').astype(np.float32)\n"
      "lab, n = ndi.label(m, structure=np.ones((3, 3)))\n"
      "means = np.concatenate([[0], ndi.mean(p.astype(np.float64), lab, np.arange(1, n + 1))])\n"
      "np.savetxt('" + (dir / "kept.txt").string() + "', m & (means[lab] >= 0.75), fmt='%d')\n";
  ASSERT_TRUE(run_reference(dir, script));
  const cv::Mat reference = mask_from_text(core::read_file(dir / "kept.txt"), mask.rows, mask.cols);
  const cv::Mat kept = remove_unsure_objects(mask, probability, 0.75);
  // Some objects go and some stay, or the comparison would prove nothing.
  ASSERT_GT(cv::countNonZero(reference), 0);
  ASSERT_LT(cv::countNonZero(reference), cv::countNonZero(mask));
  EXPECT_TRUE(same(kept, reference));
}

TEST(PostprocessTest, TheChainJudgesAnObjectWithItsFilledHoles) {
  // A ring at 0.9 around a hole at 0.1: 40 ring pixels and 9 hole pixels, mean 0.753 once the hole
  // is filled, so min_mean_probability 0.8 removes it; without filling the bare ring's 0.9 passes.
  cv::Mat prob(20, 20, CV_32FC1, cv::Scalar(0));
  prob(cv::Rect(5, 5, 7, 7)).setTo(0.9);
  prob(cv::Rect(7, 7, 3, 3)).setTo(0.1);
  PostprocessOptions options;
  options.min_object_area = 0;  // the 40-pixel ring is judged by its probability alone
  options.min_mean_probability = 0.8;
  EXPECT_EQ(cv::countNonZero(postprocess(prob, options)), 0);
  options.fill_holes = false;
  EXPECT_EQ(cv::countNonZero(postprocess(prob, options)), 40);
  options.fill_holes = true;
  options.min_mean_probability = 0.7;
  EXPECT_EQ(cv::countNonZero(postprocess(prob, options)), 49);
}

TEST(PostprocessTest, SplitsTouchingObjectsOnlyWhenAsked) {
  const cv::Size size(160, 100);
  cv::Mat probability;
  cv::Mat(disc(size, {50, 50}, 30) | disc(size, {106, 50}, 30)).convertTo(probability, CV_32F, 0.9 / 255.0);
  PostprocessOptions options;
  options.min_object_area = 100;
  EXPECT_EQ(naive_components(postprocess(probability, options), true, 8).size(), 1U);
  options.split_touching = true;
  EXPECT_EQ(naive_components(postprocess(probability, options), true, 8).size(), 2U);
}

}  // namespace
}  // namespace segoid::infer
