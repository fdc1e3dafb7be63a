// SPDX-License-Identifier: MIT
// Builds the demo's report document from the files the stages wrote.
#include "segoid/pipeline/demo_report.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "segoid/analysis/region_props.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/version.hpp"
#include "segoid/synth/synth_style.hpp"
#include "segoid/pipeline/training_curve.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/report/overlay.hpp"
#include "segoid/report/report_document.hpp"
#include "segoid/analysis/contract.hpp"
#include "segoid/infer/contract.hpp"
#include "segoid/train/contract.hpp"

namespace segoid::pipeline {
namespace fs = std::filesystem;
namespace {

constexpr int kOverlaySide = 1200;  // px of the whole-plate overlay in the report
constexpr int kZoomSide = 480;      // px of the full-resolution close-up around one spheroid

report::ReportSection training_section(const DemoReportInputs& in, const fs::path& assets) {
  const fs::path curve = assets / "loss_curve.png";
  plot_training_curve(in.run.history, curve, "Training: loss and validation Dice per epoch", 900, 520);
  report::ReportSection section{"Training", fmt::format(
      "U-Net with a ResNet18 encoder trained from scratch for {} epoch{} of sampled patches; best validation "
      "Dice {:.4f} at epoch {}{}. Run folder: {}.", in.run.epochs_completed, in.run.epochs_completed == 1 ? "" : "s",
      in.run.best_val_dice, in.run.best_epoch,
      in.run.early_stopped ? " (early stopping)" : "", in.run.run_dir.string()), {}, {}};
  section.images.push_back({"Loss and validation Dice per epoch", curve});
  const fs::path metrics = in.run.run_dir / train::contract::kValMetricsCsv;
  if (fs::exists(metrics)) section.tables.push_back(report::table_from_csv(metrics, train::contract::kValMetricsCsv));
  return section;
}

// A full-resolution close-up centred on the largest true object, so contours can be judged.
cv::Rect zoom_window(const cv::Mat& truth) {
  const auto props = analysis::measure_objects(truth);
  cv::Point centre(truth.cols / 2, truth.rows / 2);
  if (!props.empty()) {
    const auto largest = std::max_element(props.begin(), props.end(),
                                          [](const auto& a, const auto& b) { return a.area < b.area; });
    centre = cv::Point(static_cast<int>(largest->centroid_x), static_cast<int>(largest->centroid_y));
  }
  const int side = std::min({kZoomSide, truth.cols, truth.rows});
  const int x = std::clamp(centre.x - side / 2, 0, truth.cols - side);
  const int y = std::clamp(centre.y - side / 2, 0, truth.rows - side);
  return {x, y, side, side};
}

// "flat-well", "rgb-jpeg", ... for a synthetic image name; "" for any other name.
std::string style_label(const std::string& basename) {
  try {
    return synth::synth_style_name(synth::style_of_basename(basename));
  } catch (const DataError&) {
    return "";
  }
}

report::ReportSection prediction_section(const DemoReportInputs& in, const fs::path& assets) {
  report::ReportSection section{"Predictions on held-out test images",
                                "Ground truth contours in green, predictions in red, each predicted object labelled "
                                "with its object_id in metrics/all_objects.csv. Each plate is shown whole, "
                                "then a full-resolution close-up.", {}, {}};
  const fs::path pixel_metrics = in.predicted.images_with_truth > 0
                                     ? fs::path(in.out_dir / "inference" / infer::contract::kPixelMetricsCsv) : fs::path();
  if (!pixel_metrics.empty() && fs::exists(pixel_metrics)) {
    section.tables.push_back(report::table_from_csv(pixel_metrics, "Pixel metrics per image"));
  }
  // With several styles, one test image of each; with one style, every test image.
  std::set<std::string> styles, shown;
  for (const auto& row : in.test.rows) styles.insert(style_label(row.basename));
  for (const auto& row : in.test.rows) {
    const fs::path pred_path = in.out_dir / "inference" / (row.basename + infer::contract::kPredMaskSuffix);
    if (!fs::exists(pred_path) || row.mask_path.empty()) continue;
    const std::string style = style_label(row.basename);
    if (styles.size() > 1 && !shown.insert(style).second) continue;
    const std::string title = style.empty() ? row.basename : row.basename + " (" + style + ")";
    const cv::Mat image = io::read_image(data::resolve_data_path(row.image_path, in.data_root)).pixels;
    const cv::Mat truth = io::read_image(data::resolve_data_path(row.mask_path, in.data_root)).pixels != 0;
    const cv::Mat pred = io::read_image(pred_path).pixels != 0;
    const fs::path whole = assets / (row.basename + "_overlay.jpg");
    io::write_preview(whole, report::draw_overlay(image, truth, pred, /*thickness=*/3, kOverlaySide,
                                                  in.measured.config.min_object_area));
    section.images.push_back({title + ": whole image", whole});
    const cv::Rect window = zoom_window(truth);
    const fs::path zoom = assets / (row.basename + "_zoom.png");
    io::write_preview(zoom, report::draw_overlay(image(window), truth(window), pred(window), /*thickness=*/1));
    section.images.push_back({title + ": close-up at full resolution", zoom});
  }
  return section;
}

report::ReportSection measurement_section(const DemoReportInputs& in) {
  const fs::path metrics = in.out_dir / "metrics";
  report::ReportSection section{"Spheroid measurements and detection",
                                fmt::format("{} predicted spheroids measured with scikit-image regionprops "
                                            "definitions; matched to the truth one-to-one by maximal total IoU "
                                            "(Hungarian), matches below IoU {} rejected.",
                                            in.measured.n_objects, in.measured.config.iou_threshold), {}, {}};
  if (fs::exists(metrics / analysis::contract::kInstanceEvalCsv)) {
    section.tables.push_back(report::table_from_csv(metrics / analysis::contract::kInstanceEvalCsv, "Detection per image"));
  }
  if (fs::is_directory(metrics / analysis::contract::kPlotsDir)) {
    std::vector<fs::path> plots;
    for (const auto& entry : fs::directory_iterator(metrics / analysis::contract::kPlotsDir)) {
      if (entry.path().filename() == analysis::contract::kSummaryPlotsPng) continue;  // the same plots, combined
      if (entry.path().extension() == ".png") plots.push_back(entry.path());
    }
    std::sort(plots.begin(), plots.end());
    for (const auto& png : plots) section.images.push_back({png.stem().string(), png});
  }
  return section;
}

/// The demo's model and the shipped one, side by side on the same test images.
report::ReportSection models_section(const DemoResult& result) {
  report::ReportTable table{"Scores on the test images", {"model", "training", "test pixel Dice", "detection F1",
                                                          "precision", "recall"}, {}};
  const auto row = [&](const std::string& model, const std::string& training, const DemoModelScores& s) {
    table.rows.push_back({model, training, fmt::format("{:.4f} ± {:.4f}", s.test_dice, s.test_dice_std),
                          fmt::format("{:.4f}", s.detection_f1), fmt::format("{:.3f}", s.detection_precision),
                          fmt::format("{:.3f}", s.detection_recall)});
  };
  row("this demo's model", fmt::format("from scratch, {:.0f} s on this machine", result.seconds_training),
      {"", result.test_dice, result.test_dice_std, result.detection_f1, result.detection_precision,
       result.detection_recall});
  if (result.shipped) row(result.shipped->model, "shipped with SegOid, used as it is", *result.shipped);
  return {"The demo's model and the shipped model",
          result.shipped ? "Both models predicted the same test images with the same settings (tile, "
                           "--split-touching, --min-mean-probability); the shipped model's outputs are in "
                           "shipped_model/."
                         : "No shipped model was found (models/spheroid-base.pth), so only the demo's model is scored.",
          {table}, {}};
}

}  // namespace

report::ReportFiles write_demo_report(const DemoReportInputs& in, const DemoResult& result) {
  const fs::path assets = in.out_dir / "report_assets";
  fs::create_directories(assets);
  report::ReportDocument doc;
  doc.title = "SegOid demo report";
  doc.headline = {
      {"test pixel Dice", fmt::format("{:.4f} ± {:.4f}", result.test_dice, result.test_dice_std)},
      {"detection F1", fmt::format("{:.4f}", result.detection_f1)},
      {"precision / recall", fmt::format("{:.3f} / {:.3f}", result.detection_precision, result.detection_recall)},
      {"best val Dice", fmt::format("{:.4f} (epoch {})", result.best_val_dice, result.best_epoch)},
      {"spheroids measured", std::to_string(result.objects)},
      {"wall time", core::format_duration(result.seconds_total)},
  };
  std::set<std::string> styles;
  for (const auto& entry : in.validation.entries) styles.insert(style_label(entry.row.basename));
  std::string style_list;
  for (const auto& style : styles) style_list += (style_list.empty() ? "" : ", ") + style;
  doc.sections.push_back({"Data", fmt::format(
      "{} synthetic images with exact masks, acquisition styles: {} (file types, magnification, optics, noise, "
      "clutter and shapes vary per image); all passed validation. Median object diameter {:.1f} px. Test images: "
      "{}. SegOid {}.", in.validation.entries.size(), style_list.empty() ? "flat-well" : style_list,
      in.validation.median_diameter_px(), in.test.rows.size(), core::version_banner()), {}, {}});
  doc.sections.push_back(models_section(result));
  doc.sections.push_back(training_section(in, assets));
  doc.sections.push_back(prediction_section(in, assets));
  doc.sections.push_back(measurement_section(in));
  const report::ReportFiles files{in.out_dir / report::kReportMarkdown, in.out_dir / report::kReportHtml};
  report::write_report(doc, files);
  return files;
}

}  // namespace segoid::pipeline
