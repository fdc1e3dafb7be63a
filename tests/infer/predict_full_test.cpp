// SPDX-License-Identifier: MIT
// End-to-end tests of predict_full through the CLI with a random-weight U-Net.
// CTest label: e2e
#include "segoid/infer/predict_full.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <yaml-cpp/yaml.h>
#include <torch/torch.h>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/cpu_info.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/metrics.hpp"
#include "segoid/data/mask_metrics.hpp"
#include "segoid/infer/predictor.hpp"
#include "python_columns.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/quantized_unet.hpp"
#include "test_support.hpp"

namespace segoid::infer {
namespace {
namespace fs = std::filesystem;

constexpr int kTile = 64;

/// A random-weight resnet18 U-Net (seed 0: the same weights every time) with training patch size
/// kTile and range normalization, saved at `path` with what `describe` adds to its description.
fs::path write_tiny_checkpoint(const fs::path& path,
                               const std::function<void(model::ModelDescription&)>& describe = {}) {
  torch::manual_seed(0);
  model::Unet net(model::UnetOptions{});
  model::CheckpointInfo info;
  info.model.patch_size = kTile;
  info.model.normalization = io::Normalization::kRange;
  if (describe) describe(info.model);
  model::save_checkpoint(path, net, info);
  return path;
}

/// write_tiny_checkpoint without a config, written once.
const fs::path& tiny_checkpoint() {
  static test::TempDir dir;
  static const fs::path path = write_tiny_checkpoint(dir / "tiny.pt");
  return path;
}

/// A gray plate-like image: bright discs on a dark background, plus noise.
cv::Mat plate(int rows, int cols, int depth) {
  cv::Mat image(rows, cols, CV_32FC1, cv::Scalar(0.2));
  cv::circle(image, cv::Point(cols / 3, rows / 2), rows / 5, cv::Scalar(0.8), cv::FILLED);
  cv::circle(image, cv::Point(2 * cols / 3, rows / 3), rows / 8, cv::Scalar(0.7), cv::FILLED);
  cv::Mat noise(rows, cols, CV_32FC1);
  cv::randn(noise, 0.0, 0.05);
  image += noise;
  if (depth == CV_32F) return image;
  cv::Mat out;
  image.convertTo(out, depth, depth == CV_8U ? 255.0 : 65535.0);
  return out;
}

std::string run_cli(const std::string& args, int* status) {
  std::string output;
  *status = test::run_command(test::segoid_binary().string() + " predict_full " + args, &output);
  return output;
}

TEST(PredictFullTest, CorruptImageIsListedAndOthersComplete) {
  test::TempDir dir;
  const fs::path in = dir / "in";
  fs::create_directories(in);
  io::write_gray_tiff(in / "a_8bit.tif", plate(100, 90, CV_8U));
  io::write_gray_tiff(in / "b_16bit.tif", plate(70, 130, CV_16U));
  io::write_float_tiff(in / "c_float.tif", plate(64, 64, CV_32F));
  cv::Mat rgb;
  cv::cvtColor(plate(50, 40, CV_8U), rgb, cv::COLOR_GRAY2BGR);
  cv::imwrite((in / "d_rgb.png").string(), rgb);
  core::write_file_atomic(in / "e_corrupt.tif", "II*\0 this is not a TIFF");
  int status = 0;
  const std::string args = "--checkpoint " + tiny_checkpoint().string() + " --input " + in.string() +
                           " --output-dir " + (dir / "out").string() + " --threads 2 --batch-size 3";
  const std::string output = run_cli(args, &status);
  EXPECT_EQ(status, 1) << output;
  for (const char* name : {"a_8bit", "b_16bit", "c_float", "d_rgb"}) {
    const fs::path mask_path = dir / "out" / (std::string(name) + "_pred_mask.tif");
    ASSERT_TRUE(fs::exists(mask_path)) << name << "\n" << output;
    const io::Image mask = io::read_image(mask_path);
    const io::Image source = io::read_image(in / (std::string(name) + (name[0] == 'd' ? ".png" : ".tif")));
    EXPECT_EQ(mask.pixels.size(), source.pixels.size());
    EXPECT_TRUE(fs::exists(dir / "out" / (std::string(name) + "_pred_prob.tif")));
  }
  const std::string errors = core::read_file(dir / "out" / "errors.csv");
  EXPECT_NE(errors.find("file,reason"), std::string::npos);
  EXPECT_NE(errors.find("e_corrupt.tif"), std::string::npos) << errors;
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 2) << errors;
  EXPECT_TRUE(fs::exists(dir / "out" / "predict_meta.yaml"));
  const YAML::Node given = YAML::LoadFile((dir / "out" / "predict_meta.yaml").string());
  EXPECT_EQ(given["inference"]["tile_size"].as<int>(), 64);
  EXPECT_EQ(given["inference"]["batch_size"].as<int>(), 3);
  EXPECT_EQ(given["runtime"]["batch_size_source"].as<std::string>(), "given");

  // A second run over the same images replaces the first one's outputs without --force, as the
  // Python SegOid's README re-runs with another --threshold; nothing of the first run survives.
  fs::remove(in / "e_corrupt.tif");
  const std::string again = run_cli(args + " --no-probabilities --threshold 0.3", &status);
  EXPECT_EQ(status, 0) << again;
  EXPECT_FALSE(fs::exists(dir / "out" / "errors.csv")) << "stale errors.csv of the first run kept";
  EXPECT_FALSE(fs::exists(dir / "out" / "a_8bit_pred_prob.tif")) << "stale probability map kept";
  EXPECT_DOUBLE_EQ(YAML::LoadFile((dir / "out" / "predict_meta.yaml").string())["inference"]["threshold"].as<double>(), 0.3);

  // Predictions of other images would mix with this run's: refused unless --force deletes them.
  io::write_gray_tiff(dir / "other" / "z.tif", plate(64, 64, CV_8U));
  const std::string other_args = "--checkpoint " + tiny_checkpoint().string() + " --input " +
                                 (dir / "other").string() + " --output-dir " + (dir / "out").string() + " --threads 2";
  const std::string mixed = run_cli(other_args, &status);
  EXPECT_EQ(status, 2) << mixed;
  EXPECT_NE(mixed.find("--force"), std::string::npos) << mixed;
  EXPECT_NE(mixed.find("a_8bit_pred_mask.tif"), std::string::npos) << mixed;
  const std::string forced = run_cli(other_args + " --force", &status);
  EXPECT_EQ(status, 0) << forced;
  EXPECT_FALSE(fs::exists(dir / "out" / "a_8bit_pred_mask.tif"));
  EXPECT_TRUE(fs::exists(dir / "out" / "z_pred_mask.tif"));
}

TEST(PredictFullTest, ManifestMasksGivePixelMetrics) {
  test::TempDir dir;
  fs::create_directories(dir / "images");
  fs::create_directories(dir / "masks");
  std::string manifest = "basename,image_path,mask_path\n";
  for (int i = 0; i < 2; ++i) {
    const std::string name = "img" + std::to_string(i);
    const cv::Mat image = plate(96 + 10 * i, 80, CV_8U);
    io::write_gray_tiff(dir / "images" / (name + ".tif"), image);
    cv::Mat truth;
    cv::compare(image, 128, truth, cv::CMP_GT);
    io::write_mask_tiff(dir / "masks" / (name + ".tif"), truth);
    manifest += name + ",images/" + name + ".tif,masks/" + name + ".tif\n";
  }
  core::write_file_atomic(dir / "all.csv", manifest);
  int status = 0;
  const std::string output = run_cli("--checkpoint " + tiny_checkpoint().string() + " --manifest " +
                                         (dir / "all.csv").string() + " --data-root " + dir.path().string() +
                                         " --output-dir " + (dir / "out").string() + " --threads 2",
                                     &status);
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("pixel Dice"), std::string::npos) << output;
  const std::string csv = core::read_file(dir / "out" / "pixel_metrics.csv");
  const io::CsvTable table = io::read_csv(dir / "out" / "pixel_metrics.csv");
  EXPECT_EQ(test::python::leading(table.header, test::python::kPixelMetrics.size()), test::python::kPixelMetrics);
  // The row must agree with metrics recomputed from the written mask and the truth; `image` is
  // the file name with its extension, as the Python SegOid writes it.
  const cv::Mat pred = io::read_image(dir / "out" / "img1_pred_mask.tif").pixels;
  const cv::Mat truth = io::read_image(dir / "masks" / "img1.tif").pixels;
  const data::PixelMetrics m = data::pixel_metrics(pred, truth);
  EXPECT_NE(csv.find("img1.tif," + fmt::format("{:.6f},{:.6f},img1,", m.dice, m.iou)), std::string::npos) << csv;
  EXPECT_NE(csv.find(fmt::format(",{},{}\n", m.pred_pixels, m.true_pixels)), std::string::npos) << csv;
}

// An image whose truth mask is of the wrong size is in errors.csv and has no outputs; one whose
// truth file is missing is predicted without metrics, as the Python SegOid does (issue 28).
TEST(PredictFullTest, BadTruthMasksLeaveNoOutputs) {
  test::TempDir dir;
  std::string manifest = "basename,image_path,mask_path\n";
  for (const char* name : {"good", "missing", "wrong_size"}) {
    const cv::Mat image = plate(96, 80, CV_8U);
    io::write_gray_tiff(dir / "images" / (std::string(name) + ".tif"), image);
    cv::Mat truth;
    cv::compare(image, 128, truth, cv::CMP_GT);
    if (std::string(name) == "wrong_size") truth = truth(cv::Rect(0, 0, 50, 40)).clone();
    if (std::string(name) != "missing") io::write_mask_tiff(dir / "masks" / (std::string(name) + ".tif"), truth);
    manifest += std::string(name) + ",images/" + name + ".tif,masks/" + name + ".tif\n";
  }
  core::write_file_atomic(dir / "test.csv", manifest);
  int status = 0;
  const std::string output = run_cli("--checkpoint " + tiny_checkpoint().string() + " --manifest " +
                                         (dir / "test.csv").string() + " --data-root " + dir.path().string() +
                                         " --output-dir " + (dir / "out").string() + " --threads 2",
                                     &status);
  EXPECT_EQ(status, 1) << output;
  for (const char* name : {"good", "missing"}) {
    EXPECT_TRUE(fs::exists(dir / "out" / (std::string(name) + "_pred_mask.tif"))) << name;
    EXPECT_TRUE(fs::exists(dir / "out" / (std::string(name) + "_pred_prob.tif"))) << name;
  }
  EXPECT_NE(output.find("missing.tif\" of \"missing\" not found"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir / "out" / "wrong_size_pred_mask.tif"));
  EXPECT_FALSE(fs::exists(dir / "out" / "wrong_size_pred_prob.tif"));
  const io::CsvTable errors = io::read_csv(dir / "out" / "errors.csv");
  ASSERT_EQ(errors.rows.size(), 1u);
  EXPECT_NE(errors.rows[0][1].find("wrong_size.tif"), std::string::npos) << errors.rows[0][1];
  EXPECT_NE(errors.rows[0][1].find("50x40"), std::string::npos) << errors.rows[0][1];
  const io::CsvTable metrics = io::read_csv(dir / "out" / "pixel_metrics.csv");
  ASSERT_EQ(metrics.rows.size(), 1u);  // only "good" has a truth to score against
  EXPECT_EQ(metrics.rows[0][0], "good.tif");
  const std::string meta = core::read_file(dir / "out" / "predict_meta.yaml");
  EXPECT_NE(meta.find("predicted: 2"), std::string::npos) << meta;
  EXPECT_NE(meta.find("failed: 1"), std::string::npos) << meta;
  EXPECT_NE(output.find("predicted 2/3"), std::string::npos) << output;
}

// Issue 10 §4: a TIFF's ImageJ calibration travels into the predicted mask and probability map;
// quantify_objects reports pixels without --pixel-size (the Python SegOid's default) and µm from
// the calibration with --pixel-size auto (issue 28).
TEST(PredictFullTest, PixelSizeTravelsFromImageToQuantify) {
  test::TempDir dir;
  io::write_gray_tiff(dir / "in" / "plate.tif", plate(96, 80, CV_8U), /*pixel_size_um=*/0.8);
  int status = 0;
  // Threshold 0 and no area filter: every pixel is foreground, one object of 96 x 80 px.
  const std::string output = run_cli("--checkpoint " + tiny_checkpoint().string() + " --input " +
                                         (dir / "in").string() + " --output-dir " + (dir / "out").string() +
                                         " --threads 2 --threshold 0 --min-object-area 0 --no-fill-holes",
                                     &status);
  ASSERT_EQ(status, 0) << output;
  EXPECT_NEAR(io::read_image(dir / "out" / "plate_pred_mask.tif").meta.pixel_size_um, 0.8, 1e-6);
  EXPECT_NEAR(io::read_image(dir / "out" / "plate_pred_prob.tif").meta.pixel_size_um, 0.8, 1e-6);
  std::string quantified;
  ASSERT_EQ(test::run_command(test::segoid_binary().string() + " quantify_objects --pred-mask-dir " +
                                  (dir / "out").string() + " --output-dir " + (dir / "metrics").string() +
                                  " --min-object-area 0 --no-plots --pixel-size auto 2>&1",
                              &quantified),
            0)
      << quantified;
  ASSERT_EQ(test::run_command(test::segoid_binary().string() + " quantify_objects --pred-mask-dir " +
                                  (dir / "out").string() + " --output-dir " + (dir / "pixels").string() +
                                  " --min-object-area 0 --no-plots 2>&1",
                              &quantified),
            0)
      << quantified;
  const io::CsvTable in_pixels = io::read_csv(dir / "pixels" / "all_objects.csv");
  ASSERT_EQ(in_pixels.rows.size(), 1u);
  EXPECT_EQ(in_pixels.rows[0][in_pixels.column_index("pixel_size_source")], "none");
  EXPECT_EQ(in_pixels.rows[0][in_pixels.column_index("area")], "7680");
  const io::CsvTable objects = io::read_csv(dir / "metrics" / "all_objects.csv");
  ASSERT_EQ(objects.rows.size(), 1u) << core::read_file(dir / "metrics" / "all_objects.csv");
  const auto cell = [&](const char* column) { return objects.rows[0][objects.column_index(column)]; };
  EXPECT_EQ(cell("pixel_size_source"), "tiff");
  EXPECT_NEAR(std::stod(cell("pixel_size_um")), 0.8, 1e-6);
  EXPECT_EQ(cell("area_px"), "7680");
  EXPECT_NEAR(std::stod(cell("area")), 7680 * 0.64, 1e-3);
  EXPECT_EQ(output.find("trained at"), std::string::npos) << output;  // no training pixel size: no warning

  // A model trained at 0.4 µm/px sees these objects at twice the scale: predict_full warns.
  write_tiny_checkpoint(dir / "scaled.pt", [](model::ModelDescription& m) { m.training_pixel_size = 0.4; });
  const std::string warned = run_cli("--checkpoint " + (dir / "scaled.pt").string() + " --input " +
                                         (dir / "in").string() + " --output-dir " + (dir / "out2").string() +
                                         " --threads 2",
                                     &status);
  EXPECT_EQ(status, 0) << warned;
  EXPECT_NE(warned.find("0.8 µm/px but the model was trained at 0.4 µm/px"), std::string::npos) << warned;
  EXPECT_NE(warned.find("--scale 2 would match"), std::string::npos) << warned;
  // At --scale 2 the model sees 0.4 µm/px: no warning.
  const std::string matched = run_cli("--checkpoint " + (dir / "scaled.pt").string() + " --input " +
                                          (dir / "in").string() + " --output-dir " + (dir / "out3").string() +
                                          " --threads 2 --scale 2",
                                      &status);
  EXPECT_EQ(status, 0) << matched;
  EXPECT_EQ(matched.find("trained at"), std::string::npos) << matched;
}

// inference.scale: the model sees the image resized (area averaging when shrinking), and the
// probability map comes back bilinearly at the image's own size. Reference: the same network on
// an image resized beforehand, its map enlarged afterwards.
TEST(PredictFullTest, ScaleResizesForTheModelAndBackToFullSize) {
  test::TempDir dir;
  cv::Mat image = plate(100, 90, CV_32F);
  cv::min(cv::max(image, 0.0), 1.0, image);  // in range: "range" normalization then changes nothing
  io::write_float_tiff(dir / "in" / "plate.tif", image);
  cv::Mat small;
  cv::resize(image, small, cv::Size(45, 50), 0, 0, cv::INTER_AREA);
  io::write_float_tiff(dir / "small" / "plate.tif", small);
  const std::string common = "--checkpoint " + tiny_checkpoint().string() + " --threads 2 --min-object-area 0";
  int status = 0;
  const std::string scaled = run_cli(common + " --scale 0.5 --input " + (dir / "in").string() + " --output-dir " +
                                         (dir / "scaled").string(),
                                     &status);
  ASSERT_EQ(status, 0) << scaled;
  const std::string reference = run_cli(common + " --input " + (dir / "small").string() + " --output-dir " +
                                            (dir / "reference").string(),
                                        &status);
  ASSERT_EQ(status, 0) << reference;
  const cv::Mat prob = io::read_image(dir / "scaled" / "plate_pred_prob.tif").pixels;
  ASSERT_EQ(prob.size(), image.size());
  EXPECT_EQ(io::read_image(dir / "scaled" / "plate_pred_mask.tif").pixels.size(), image.size());
  cv::Mat expected;
  cv::resize(io::read_image(dir / "reference" / "plate_pred_prob.tif").pixels, expected, image.size(), 0, 0,
             cv::INTER_LINEAR);
  EXPECT_LT(cv::norm(prob, expected, cv::NORM_INF), 1e-5);
  // Without --scale the network sees other pixels: the maps differ (the comparison above can fail).
  const std::string full = run_cli(common + " --input " + (dir / "in").string() + " --output-dir " +
                                       (dir / "full").string(),
                                   &status);
  ASSERT_EQ(status, 0) << full;
  EXPECT_GT(cv::norm(io::read_image(dir / "full" / "plate_pred_prob.tif").pixels, expected, cv::NORM_INF), 1e-3);
  EXPECT_NE(core::read_file(dir / "scaled" / "predict_meta.yaml").find("scale: 0.5"), std::string::npos);

  // A model trained with model.image_scale 0.5 (the same weights) is given its scale by itself,
  // and --scale is relative to it.
  write_tiny_checkpoint(dir / "half.pt", [](model::ModelDescription& m) { m.image_scale = 0.5; });
  const std::string half = run_cli("--checkpoint " + (dir / "half.pt").string() +
                                       " --threads 2 --min-object-area 0 --input " + (dir / "in").string() +
                                       " --output-dir " + (dir / "half").string(),
                                   &status);
  ASSERT_EQ(status, 0) << half;
  EXPECT_LT(cv::norm(io::read_image(dir / "half" / "plate_pred_prob.tif").pixels, prob, cv::NORM_INF), 1e-6);
  EXPECT_NE(core::read_file(dir / "half" / "predict_meta.yaml").find("image_scale: 0.5"), std::string::npos);
  const std::string relative = run_cli("--checkpoint " + (dir / "half.pt").string() +
                                           " --threads 2 --min-object-area 0 --scale 2 --input " +
                                           (dir / "in").string() + " --output-dir " + (dir / "relative").string(),
                                       &status);
  ASSERT_EQ(status, 0) << relative;
  EXPECT_LT(cv::norm(io::read_image(dir / "relative" / "plate_pred_prob.tif").pixels,
                     io::read_image(dir / "full" / "plate_pred_prob.tif").pixels, cv::NORM_INF),
            1e-6);
}

TEST(PredictFullTest, InputsExpandFoldersAndGlobs) {
  test::TempDir dir;
  for (const char* name : {"b.tif", "a.png", "notes.txt"}) core::write_file_atomic(dir / name, "x");
  const auto from_folder = collect_inputs({dir.path().string()});
  ASSERT_EQ(from_folder.size(), 2u);
  EXPECT_EQ(from_folder[0].filename(), "a.png");
  EXPECT_EQ(collect_inputs({(dir / "*.tif").string(), (dir / "b.tif").string()}).size(), 1u);
  EXPECT_THROW(collect_inputs({(dir / "*.jpg").string()}), ConfigError);
  EXPECT_THROW(collect_inputs({(dir / "missing.tif").string()}), ConfigError);
}

// A CPU flag may say bf16 while oneDNN is capped below it (ONEDNN_MAX_CPU_ISA, as clusters set it,
// or the bench's AVX2 run). "auto" measures the float32 forms and int8, not bf16, so it runs; the bf16 form, when
// asked for, is refused with one error naming it, not oneDNN's "could not create a primitive
// descriptor iterator". (Without AVX-512, LibTorch may run bf16 outside oneDNN: then it just runs.)
// Threads left to SegOid on a CPU whose cores run two threads each ($SEGOID_CPUINFO describes one
// with this machine's CPU count): all of them and one per core are timed at first use, the faster
// is used and cached, and predict_meta.yaml says so.
TEST(PredictFullTest, ThreadsAreMeasuredWhereSmtGivesACoreTwo) {
  const int all = static_cast<int>(std::thread::hardware_concurrency());
  if (all < 2) GTEST_SKIP() << "one CPU: no SMT to describe";
  test::TempDir dir;
  std::string cpuinfo;
  for (int p = 0; p < all; ++p) {
    cpuinfo += fmt::format("processor\t: {}\nmodel name\t: SMT test CPU\nphysical id\t: 0\ncore id\t\t: {}\n"
                           "flags\t\t: fpu sse2 avx2\n\n",
                           p, p / 2);
  }
  const int cores = (all + 1) / 2;
  core::write_file_atomic(dir / "cpuinfo", cpuinfo);
  fs::create_directories(dir / "in");
  ASSERT_TRUE(cv::imwrite((dir / "in" / "a.png").string(), plate(128, 128, CV_8U)));
  const std::string command = "SEGOID_CPUINFO=" + (dir / "cpuinfo").string() + " SEGOID_CACHE_DIR=" +
                              (dir / "cache").string() + " " + test::segoid_binary().string() +
                              " predict_full --checkpoint " + tiny_checkpoint().string() + " --input " +
                              (dir / "in").string() + " --threads 0 --inference-form folded_channels_last --output-dir ";
  for (const std::string source : {"measured", "cached"}) {
    SCOPED_TRACE(source);
    std::string output;
    ASSERT_EQ(test::run_command(command + (dir / source).string(), &output), 0) << output;
    const YAML::Node runtime = YAML::LoadFile((dir / source / "predict_meta.yaml").string())["runtime"];
    EXPECT_EQ(runtime["threads_source"].as<std::string>(), source) << output;
    const YAML::Node rates = runtime["threads_tiles_per_s"];
    ASSERT_TRUE(rates.IsMap()) << output;
    EXPECT_EQ(rates.size(), 2u);
    EXPECT_GT(rates[std::to_string(all)].as<double>(), 0.0);
    EXPECT_GT(rates[std::to_string(cores)].as<double>(), 0.0);
    const int threads = runtime["threads"].as<int>();
    EXPECT_TRUE(threads == all || threads == cores) << threads;
    const bool faster_all = rates[std::to_string(all)].as<double>() >= rates[std::to_string(cores)].as<double>();
    EXPECT_EQ(threads, faster_all ? all : cores) << "the faster count is used";
    EXPECT_NE(output.find("intra-op threads: "), std::string::npos) << output;
  }
}

TEST(PredictFullTest, AutoRunsUnderACappedIsaAndAnUnrunnableBf16IsRefusedByName) {
  test::TempDir dir;
  fs::create_directories(dir / "in");
  ASSERT_TRUE(cv::imwrite((dir / "in" / "a.png").string(), plate(128, 128, CV_8U)));
  const std::string command = "SEGOID_CACHE_DIR=" + (dir / "cache").string() + " ONEDNN_MAX_CPU_ISA=AVX2 " +
                              test::segoid_binary().string() + " predict_full --checkpoint " +
                              tiny_checkpoint().string() + " --input " + (dir / "in").string() + " --threads 2";
  std::string output;
  int status = test::run_command(command + " --output-dir " + (dir / "auto").string() + " --inference-form auto", &output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_TRUE(fs::exists(dir / "auto" / "a_pred_mask.tif")) << output;
  const YAML::Node rates = YAML::LoadFile((dir / "auto" / "predict_meta.yaml").string())["runtime"]["inference_form_tiles_per_s"];
  EXPECT_EQ(rates.size(), model::int8_inference_available() ? 5u : 4u) << output;
  EXPECT_FALSE(rates[std::string(kInferenceFormBf16)]) << output;

  status = test::run_command(command + " --output-dir " + (dir / "bf16").string() + " --inference-form " +
                                 kInferenceFormBf16,
                             &output);
  const bool refused = output.find(std::string("inference form ") + kInferenceFormBf16 + " cannot run on this CPU") !=
                       std::string::npos;
  if (core::this_cpu().has_bf16()) {
    EXPECT_EQ(status, 2) << output;
    EXPECT_TRUE(refused) << output;
    EXPECT_FALSE(fs::exists(dir / "bf16" / "a_pred_mask.tif")) << output;
  } else {
    EXPECT_TRUE(status == 0 || (status == 2 && refused)) << output;
  }
}

// Issue 29 §2: skipping background tiles on a small plate keeps the mask of the full pass; the
// keys reach the run (a threshold of 1 makes every tile background: an empty mask).
TEST(PredictFullTest, SkipBackgroundKeepsTheMask) {
  test::TempDir dir;
  io::write_gray_tiff(dir / "in" / "plate.tif", plate(160, 200, CV_8U));
  const std::string common = "--checkpoint " + tiny_checkpoint().string() + " --threads 2 --input " +
                             (dir / "in").string() + " --min-object-area 0 --output-dir ";
  int status = 0;
  const std::string off = run_cli(common + (dir / "off").string(), &status);
  ASSERT_EQ(status, 0) << off;
  const std::string on = run_cli(common + (dir / "on").string() + " --skip-background", &status);
  ASSERT_EQ(status, 0) << on;
  const cv::Mat full_mask = io::read_image(dir / "off" / "plate_pred_mask.tif").pixels;
  EXPECT_EQ(cv::countNonZero(full_mask != io::read_image(dir / "on" / "plate_pred_mask.tif").pixels), 0);
  const YAML::Node meta_off = YAML::LoadFile((dir / "off" / "predict_meta.yaml").string());
  const YAML::Node meta_on = YAML::LoadFile((dir / "on" / "predict_meta.yaml").string());
  EXPECT_FALSE(meta_off["inference"]["skip_background"].as<bool>());
  // No --batch-size: the run sends the predictor's measured (or cached) batch size and records it.
  const int batch = meta_off["inference"]["batch_size"].as<int>();
  EXPECT_GE(batch, 1);
  const auto batch_source = meta_off["runtime"]["batch_size_source"].as<std::string>();
  EXPECT_TRUE(batch_source == "measured" || batch_source == "cached") << batch_source;
  EXPECT_NE(off.find(" px x" + std::to_string(batch) + ","), std::string::npos) << off;
  EXPECT_TRUE(meta_on["inference"]["skip_background"].as<bool>());
  EXPECT_DOUBLE_EQ(meta_on["inference"]["skip_coarse_scale"].as<double>(), 0.5);
  const auto tiles_off = meta_off["summary"]["tiles"].as<long long>();
  const auto skipped = meta_on["summary"]["tiles_skipped"].as<long long>();
  // One coarse tile (the 100x80 coarse image), then the full pass less its background tiles.
  EXPECT_EQ(meta_on["summary"]["tiles"].as<long long>(), 1 + tiles_off - skipped);

  core::write_file_atomic(dir / "all.yaml", "inference:\n  skip_background: true\n  skip_threshold: 1.0\n");
  const std::string all = run_cli(common + (dir / "all").string() + " --config " + (dir / "all.yaml").string(), &status);
  ASSERT_EQ(status, 0) << all;
  const YAML::Node meta_all = YAML::LoadFile((dir / "all" / "predict_meta.yaml").string());
  EXPECT_EQ(meta_all["summary"]["tiles_skipped"].as<long long>(), tiles_off);
  EXPECT_EQ(meta_all["summary"]["tiles"].as<long long>(), 1);
  EXPECT_EQ(cv::countNonZero(io::read_image(dir / "all" / "plate_pred_mask.tif").pixels), 0);
  ASSERT_GT(cv::countNonZero(full_mask), 0) << "the empty mask above must differ from the full pass's";
}

}  // namespace
}  // namespace segoid::infer

namespace segoid::infer {
namespace {

/// "key value" lines printed by tests/python/segoid_user_script.py.
std::map<std::string, std::string> parse_findings(const std::string& output) {
  std::map<std::string, std::string> found;
  std::istringstream in(output);
  for (std::string key, value; in >> key >> value;) found[key] = value;
  return found;
}

// Issue 10: a pandas script written against the Python SegOid's documented columns runs
// unchanged on SegOid's validate -> predict -> quantify outputs, and reads the same numbers.
TEST(PredictFullTest, PythonUserScriptReadsTheOutputs) {
  if (!test::python_has("pandas")) GTEST_SKIP() << "/usr/bin/python3 with pandas needed";
  test::TempDir dir;
  test::write_tiny_plates(dir / "working", "unused.csv", 0, 3, /*seed=*/5);
  const std::string segoid = test::segoid_binary().string();
  std::string output;
  ASSERT_EQ(test::run_command(segoid + " validate_dataset --input-dir " + (dir / "working").string() +
                                  " --output-dir " + (dir / "splits").string() + " 2>&1",
                              &output),
            0)
      << output;
  // Threshold 0: every pixel is foreground, so the random model still yields one object per image.
  ASSERT_EQ(test::run_command(segoid + " predict_full --checkpoint " + tiny_checkpoint().string() + " --manifest " +
                                  (dir / "splits" / "all.csv").string() + " --data-root " + dir.path().string() +
                                  " --output-dir " + (dir / "inference").string() +
                                  " --threads 2 --threshold 0 --min-object-area 0 2>&1",
                              &output),
            0)
      << output;
  ASSERT_EQ(test::run_command(segoid + " quantify_objects --pred-mask-dir " + (dir / "inference").string() +
                                  " --gt-manifest " + (dir / "splits" / "all.csv").string() + " --data-root " +
                                  dir.path().string() + " --output-dir " + (dir / "metrics").string() +
                                  " --min-object-area 0 --no-plots 2>&1",
                              &output),
            0)
      << output;
  const fs::path script = test::source_dir() / "tests" / "python" / "segoid_user_script.py";
  ASSERT_EQ(test::run_command("/usr/bin/python3 " + script.string() + " " + (dir / "splits").string() + " " +
                                  (dir / "inference").string() + " " + (dir / "metrics").string() + " 2>&1",
                              &output),
            0)
      << output;
  const auto found = parse_findings(output);
  EXPECT_EQ(found.at("manifest_images"), "3") << output;
  EXPECT_EQ(found.at("qc_passed"), "3") << output;
  EXPECT_EQ(found.at("pixel_images"), "synth_plate_001.tif;synth_plate_002.tif;synth_plate_003.tif") << output;
  const io::CsvTable objects = io::read_csv(dir / "metrics" / "all_objects.csv");
  EXPECT_EQ(found.at("objects_total"), std::to_string(objects.rows.size())) << output;
  EXPECT_EQ(found.at("bbox_height_max"), "256") << output;  // one whole-image object per plate
  EXPECT_EQ(found.at("summary_total_images"), "3") << output;
  EXPECT_EQ(found.at("summary_total_gt_objects"), found.at("eval_gt_sum")) << output;
  EXPECT_NEAR(std::stod(found.at("summary_mean_f1")), std::stod(found.at("summary_mean_f1_check")), 1e-9) << output;
  // The sample std pandas computes is the one predict_full reports.
  const io::CsvTable pixel = io::read_csv(dir / "inference" / "pixel_metrics.csv");
  std::vector<double> dice;
  for (const auto& row : pixel.rows) dice.push_back(std::stod(row[pixel.column_index("dice")]));
  const core::Stats stats = core::column_stats(dice);
  EXPECT_NEAR(std::stod(found.at("pixel_dice_std")), stats.std, 1e-6) << output;
}

}  // namespace
}  // namespace segoid::infer
