// SPDX-License-Identifier: MIT
// merge_metrics on hand-written shard and quantify tables: sorted union, conflicts, recomputed scores.
#include "segoid/analysis/merge_metrics.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <map>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/analysis/quantify.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"

namespace segoid::analysis {
namespace {
namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  core::write_file_atomic(path, text);
}

/// column -> value of a summary.csv (one wide row).
std::map<std::string, std::string> read_summary(const fs::path& path) {
  const io::CsvTable table = io::read_csv(path);
  EXPECT_EQ(table.rows.size(), 1u) << path;
  std::map<std::string, std::string> values;
  for (std::size_t c = 0; c < table.header.size() && !table.rows.empty(); ++c) values[table.header[c]] = table.rows[0][c];
  return values;
}

TEST(MergeMetricsTest, MergeOfTwoShardsIsTheSortedConcatenation) {
  test::TempDir dir;
  const std::string header = "basename,dice,iou,precision,recall,pred_pixels,true_pixels\n";
  write(dir / "run" / "pixel_metrics.shard-1-of-2.csv", header + "img0,0.9,0.8,1,0.8,80,100\nimg2,0.5,0.3,0.5,0.5,10,10\n");
  write(dir / "run" / "pixel_metrics.shard-2-of-2.csv", header + "img1,0.7,0.6,0.7,0.7,7,7\n");
  write(dir / "run" / "errors.shard-2-of-2.csv", "file,reason\n\"in/img9.tif\",\"bad, truncated\"\n");
  // A quantify folder: objects of one image stay in their original (label) order.
  const std::string objects = "object_id,area,image\n";
  write(dir / "q1" / "all_objects.csv", objects + "1,50,B\n2,40,B\n");
  write(dir / "q2" / "all_objects.csv", objects + "2,9,A\n1,30,A\n1,5,C\n");
  write(dir / "q2" / "per_image" / "A_objects.csv", "label,area\n2,9\n1,30\n");
  MergeConfig config;
  config.inputs = {dir / "run", dir / "q1", dir / "q2"};
  config.output_dir = dir / "merged";
  const MergeResult result = merge_metrics(config);

  EXPECT_EQ(core::read_file(dir / "merged" / "pixel_metrics.csv"),
            header + "img0,0.9,0.8,1,0.8,80,100\nimg1,0.7,0.6,0.7,0.7,7,7\nimg2,0.5,0.3,0.5,0.5,10,10\n");
  EXPECT_EQ(core::read_file(dir / "merged" / "errors.csv"), "file,reason\nin/img9.tif,\"bad, truncated\"\n");
  EXPECT_EQ(core::read_file(dir / "merged" / "all_objects.csv"), objects + "2,9,A\n1,30,A\n1,50,B\n2,40,B\n1,5,C\n");
  EXPECT_EQ(core::read_file(dir / "merged" / "per_image" / "A_objects.csv"), "label,area\n2,9\n1,30\n");
  EXPECT_FALSE(fs::exists(dir / "merged" / "instance_eval.csv"));
  EXPECT_FALSE(result.summary_written);
  ASSERT_EQ(result.tables.size(), 3u);
  EXPECT_EQ(result.tables[0].name, "pixel_metrics.csv");
  EXPECT_EQ(result.tables[0].sources.size(), 2u);
  EXPECT_EQ(result.tables[0].rows, 3u);
  EXPECT_EQ(result.per_image_files, 1);
  EXPECT_NE(format_merge_result(result, config).find("pixel_metrics.shard-2-of-2.csv"), std::string::npos);

  // Merging in place reads the shard files, not the merged file of a previous merge.
  config.inputs = {dir / "run"};
  config.output_dir = dir / "run";
  merge_metrics(config);
  const MergeResult again = merge_metrics(config);
  EXPECT_EQ(again.tables[0].rows, 3u);
  EXPECT_EQ(core::read_file(dir / "run" / "pixel_metrics.csv"), core::read_file(dir / "merged" / "pixel_metrics.csv"));

  // Merging two quantify folders into the first one keeps the first one's own rows.
  const MergeResult in_place = merge_metrics({{dir / "q1", dir / "q2"}, dir / "q1"});
  EXPECT_EQ(in_place.tables[0].rows, 5u);
  EXPECT_EQ(core::read_file(dir / "q1" / "all_objects.csv"), core::read_file(dir / "merged" / "all_objects.csv"));
  EXPECT_EQ(core::read_file(dir / "q1" / "per_image" / "A_objects.csv"), "label,area\n2,9\n1,30\n");
}

TEST(MergeMetricsTest, HeaderMismatchNamesBothFiles) {
  test::TempDir dir;
  write(dir / "a" / "pixel_metrics.csv", "basename,dice\nimg0,0.5\n");
  write(dir / "b" / "pixel_metrics.csv", "basename,iou\nimg1,0.5\n");
  MergeConfig config{{dir / "a", dir / "b"}, dir / "out"};
  try {
    merge_metrics(config);
    FAIL() << "merged tables with different headers";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find((dir / "a" / "pixel_metrics.csv").string()), std::string::npos) << message;
    EXPECT_NE(message.find((dir / "b" / "pixel_metrics.csv").string()), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(dir / "out" / "pixel_metrics.csv"));
}

TEST(MergeMetricsTest, ImageInTwoFilesNamesItAndBothFiles) {
  test::TempDir dir;
  write(dir / "a" / "instance_eval.csv", "image,tp\nimg0,1\nimg7,2\n");
  write(dir / "b" / "instance_eval.csv", "image,tp\nimg7,2\n");
  MergeConfig config{{dir / "a", dir / "b"}, dir / "out"};
  try {
    merge_metrics(config);
    FAIL() << "merged an image measured twice";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("\"img7\""), std::string::npos) << message;
    EXPECT_NE(message.find((dir / "a" / "instance_eval.csv").string()), std::string::npos) << message;
    EXPECT_NE(message.find((dir / "b" / "instance_eval.csv").string()), std::string::npos) << message;
  }
  // Failures are logs, not measurements: the same file failing twice is no conflict.
  write(dir / "c" / "errors.csv", "file,reason\nx.tif,bad\n");
  write(dir / "d" / "errors.csv", "file,reason\nx.tif,bad\n");
  EXPECT_EQ(merge_metrics({{dir / "c", dir / "d"}, dir / "out2"}).tables[0].rows, 2u);
  EXPECT_THROW(merge_metrics({{dir / "missing"}, dir / "out3"}), ConfigError);
  fs::create_directories(dir / "empty");
  EXPECT_THROW(merge_metrics({{dir / "empty"}, dir / "out4"}), ConfigError);
}

TEST(MergeMetricsTest, SummaryScoresEqualHandComputation) {
  test::TempDir dir;
  const std::string header =
      "tp,fp,fn,precision,recall,f1,mean_matched_iou,n_pred,n_gt,image,mean_centroid_shift_px\n";
  // img0: tp 3 fp 1 fn 0; img1: tp 1 fp 0 fn 2; img2 has empty (missing) cells, which are skipped.
  write(dir / "s1" / "instance_eval.csv", header + "1,0,2,1,0.3333333333,0.5,0.6,1,3,img1,2\n");
  write(dir / "s2" / "instance_eval.csv", header + "3,1,0,0.75,1,0.8571428571,0.9,4,3,img0,1\n0,0,0,,,,,0,0,img2,\n");
  const MergeResult result = merge_metrics({{dir / "s1", dir / "s2"}, dir / "out"});
  ASSERT_TRUE(result.summary_written);
  const auto summary = read_summary(dir / "out" / "summary.csv");
  // Micro from summed counts: tp 4, fp 1, fn 2 -> P 4/5, R 4/6, F1 2*4 / (2*4 + 1 + 2) = 8/11.
  EXPECT_EQ(summary.at("total_images"), "3");
  EXPECT_EQ(summary.at("total_pred_objects"), "5");
  EXPECT_EQ(summary.at("total_gt_objects"), "6");
  EXPECT_EQ(summary.at("total_tp"), "4");
  EXPECT_EQ(summary.at("total_fp"), "1");
  EXPECT_EQ(summary.at("total_fn"), "2");
  EXPECT_NEAR(std::stod(summary.at("micro_precision")), 0.8, 1e-9);
  EXPECT_NEAR(std::stod(summary.at("micro_recall")), 4.0 / 6.0, 1e-9);
  EXPECT_NEAR(std::stod(summary.at("micro_f1")), 8.0 / 11.0, 1e-9);
  // Macro over the images where a score is defined (img2 skipped).
  EXPECT_NEAR(std::stod(summary.at("mean_precision")), (0.75 + 1.0) / 2, 1e-9);
  EXPECT_NEAR(std::stod(summary.at("mean_recall")), (1.0 + 1.0 / 3) / 2, 1e-9);
  EXPECT_NEAR(std::stod(summary.at("mean_f1")), (6.0 / 7 + 0.5) / 2, 1e-9);
  // The mean over images of their mean matched IoU, as the Python SegOid's summary.
  EXPECT_NEAR(std::stod(summary.at("mean_matched_iou")), (0.9 + 0.6) / 2, 1e-9);
  // The centroid shift is over all 4 matches: img0 contributes 3 matches, img1 one.
  EXPECT_NEAR(std::stod(summary.at("mean_centroid_shift_px")), (3 * 1.0 + 2.0) / 4, 1e-9);
  EXPECT_NEAR(result.micro.f1, 8.0 / 11.0, 1e-12);
  EXPECT_EQ(io::read_csv(dir / "out" / "instance_eval.csv").rows.size(), 3u);
}

TEST(MergeMetricsTest, MergedQuantifyHalvesEqualOneQuantifyOfAll) {
  test::TempDir dir;
  // Six images with 1-3 true discs each; predictions shift, miss or add discs in varying ways.
  std::string manifests[3] = {"basename,mask_path\n", "basename,mask_path\n", "basename,mask_path\n"};
  for (int i = 0; i < 6; ++i) {
    const std::string name = "well" + std::to_string(i);
    cv::Mat truth(100, 120, CV_8UC1, cv::Scalar(0));
    cv::Mat pred = truth.clone();
    for (int d = 0; d <= i % 3; ++d) {
      const cv::Point centre(20 + 35 * d, 30 + 5 * i);
      cv::circle(truth, centre, 8 + i, cv::Scalar(255), cv::FILLED);
      if ((i + d) % 4 != 3) cv::circle(pred, centre + cv::Point(i % 3, d), 8 + i, cv::Scalar(255), cv::FILLED);
    }
    if (i % 2 == 1) cv::circle(pred, cv::Point(100, 85), 6, cv::Scalar(255), cv::FILLED);  // false alarm
    const std::string half = i < 3 ? "h1" : "h2";
    io::write_mask_tiff(dir / "truth" / (name + ".tif"), truth);
    for (const std::string& folder : {std::string("all"), half}) {
      io::write_mask_tiff(dir / ("pred_" + folder) / (name + "_pred_mask.tif"), pred);
    }
    const std::string row = name + "," + (dir / "truth" / (name + ".tif")).string() + "\n";
    manifests[0] += row;
    manifests[i < 3 ? 1 : 2] += row;
  }
  const std::string folders[3] = {"all", "h1", "h2"};
  for (int k = 0; k < 3; ++k) {
    write(dir / (folders[k] + ".csv"), manifests[k]);
    QuantifyConfig config;
    config.pred_mask_dir = dir / ("pred_" + folders[k]);
    config.gt_manifest = dir / (folders[k] + ".csv");
    config.data_root = "";
    config.output_dir = dir / ("q_" + folders[k]);
    config.min_object_area = 0;
    config.generate_plots = false;
    run_quantify(config);
  }
  const MergeResult merged = merge_metrics({{dir / "q_h1", dir / "q_h2"}, dir / "merged"});
  ASSERT_TRUE(merged.summary_written);
  EXPECT_GT(merged.tp, 0);
  EXPECT_GT(merged.fp, 0);
  EXPECT_GT(merged.fn, 0);
  for (const char* table : {"all_objects.csv", "instance_eval.csv"}) {
    EXPECT_EQ(core::read_file(dir / "merged" / table), core::read_file(dir / "q_all" / table)) << table;
  }
  EXPECT_EQ(merged.per_image_files, 6);
  const auto reference = read_summary(dir / "q_all" / "summary.csv");
  const auto summary = read_summary(dir / "merged" / "summary.csv");
  for (const char* metric : {"total_images", "total_pred_objects", "total_gt_objects", "total_tp", "total_fp",
                             "total_fn", "micro_precision", "micro_recall", "micro_f1", "mean_precision",
                             "mean_recall", "mean_f1", "mean_matched_iou", "mean_centroid_shift_px"}) {
    ASSERT_TRUE(summary.count(metric)) << metric;
    EXPECT_NEAR(std::stod(summary.at(metric)), std::stod(reference.at(metric)), 1e-8) << metric;
  }
}

}  // namespace
}  // namespace segoid::analysis
