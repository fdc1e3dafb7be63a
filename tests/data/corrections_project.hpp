// SPDX-License-Identifier: MIT
// A tiny correction project for the corrections tests (in-process and through the commands).
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/core/atomic_file.hpp"
#include "segoid/data/corrections.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"

namespace segoid::test {

inline constexpr int kWidth = 80;
inline constexpr int kHeight = 60;

inline cv::Mat disc(cv::Point centre, int radius) {
  cv::Mat mask = cv::Mat::zeros(kHeight, kWidth, CV_8UC1);
  cv::circle(mask, centre, radius, cv::Scalar(255), cv::FILLED);
  return mask;
}

/// plates/{a,b}.tif with predictions pred/{a,b}_pred_mask.tif, an existing pair data/working/x,
/// a flagged list naming a and b, and a model file.
struct CorrectionsProject {
  TempDir dir;
  std::filesystem::path working = dir / "data" / "working";
  std::filesystem::path workspace = dir / "fix";
  CorrectionsProject() {
    for (const std::string name : {"a", "b", "x"}) {
      cv::Mat image(kHeight, kWidth, CV_16UC1, cv::Scalar(30000));
      image.setTo(cv::Scalar(9000), disc({40, 30}, 12));
      io::write_gray_tiff(dir / "plates" / (name + ".tif"), image);
      io::write_mask_tiff(dir / "pred" / (name + "_pred_mask.tif"), disc({40, 30}, 10));
    }
    std::filesystem::create_directories(working / "images");
    std::filesystem::copy_file(dir / "plates" / "x.tif", working / "images" / "x.tif");
    io::write_mask_tiff(working / "masks" / "x_mask.tif", disc({40, 30}, 12));
    core::write_file_atomic(dir / "flagged.txt", "a.tif\nb.tif\n");
    core::write_file_atomic(dir / "model.pt", "weights");
  }
  std::vector<data::WorkspaceEntry> export_workspace() {
    data::ExportCorrectionConfig c;
    c.flagged = dir / "flagged.txt";
    c.image_dir = dir / "plates";
    c.pred_mask_dir = dir / "pred";
    c.output_dir = workspace;
    c.source_model = (dir / "model.pt").string();
    return data::export_for_correction(c);
  }
  /// An export of `flagged` found through a manifest (a and b) instead of the image folder.
  data::ExportCorrectionConfig manifest_export(const std::filesystem::path& flagged,
                                               const std::filesystem::path& output_dir) const {
    core::write_file_atomic(dir / "all.csv", "basename,image_path\na,plates/a.tif\nb,plates/b.tif\n");
    data::ExportCorrectionConfig c;
    c.flagged = flagged;
    c.manifest = dir / "all.csv";
    c.data_root = dir.path();
    c.pred_mask_dir = dir / "pred";
    c.output_dir = output_dir;
    return c;
  }
  std::filesystem::path corrected(const std::string& basename) const {
    return workspace / "corrected_masks" / (basename + "_mask.tif");
  }
  data::ImportCorrectionConfig import_config() const {
    data::ImportCorrectionConfig c;
    c.workspace = workspace;
    c.target_dir = working;
    c.corrector = "ann";
    return c;
  }
};

}  // namespace segoid::test
