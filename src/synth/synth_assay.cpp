// SPDX-License-Identifier: MIT
// The synthetic assay: wells with known growth rates from known dose-responses, drawn as ULA
// round-bottom images at each time point, with the layout and truth tables beside them.
#include "segoid/synth/synth_assay.hpp"

#include <fmt/format.h>

#include <cmath>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/core/rng.hpp"
#include "segoid/data/contract.hpp"
#include "segoid/synth/synth_plate.hpp"
#include "segoid/synth/synth_style.hpp"
#include "segoid/io/image_io.hpp"

namespace segoid::synth {
namespace fs = std::filesystem;
namespace {

constexpr double kMinDiameter = 20.0, kMaxDiameter = 300.0;  // px: the sizes the models were trained on
constexpr double kMaxFillOfWell = 0.5;                         // ULA training images: spheroid < half the well
constexpr double kWellRadiusOfImage = 0.46;                    // well radius / image side
constexpr std::uint64_t kJitterStream = 0x4A49545445ULL;       // "JITTE"
constexpr int kPlate96Rows = 8, kPlate96Columns = 12;
constexpr char kVehicle[] = "vehicle";
constexpr char kUnit[] = "uM";

struct Well {
  std::string name;  ///< Incucyte style: "A1"
  std::string compound;
  double concentration = 0;
  int replicate = 1;
  double rate = 0;              ///< 1/h
  double initial_diameter = 0;  ///< px
};

// Incucyte's time stamp: 00d04h00m.
std::string incucyte_time(double hours) {
  const long minutes = std::lround(hours * 60);
  return fmt::format("{:02d}d{:02d}h{:02d}m", minutes / (24 * 60), (minutes / 60) % 24, minutes % 60);
}

std::vector<Well> plan_wells(const SynthAssayConfig& c) {
  std::vector<Well> wells;
  const int columns = static_cast<int>(c.concentrations.size()) > kPlate96Columns ? 24 : kPlate96Columns;
  int row = 0;
  core::Rng jitter(core::mix_seed(c.seed, kJitterStream));
  const auto add = [&](int col, const std::string& compound, double conc, int replicate, double rate) {
    Well w{well_name(row * columns + col, columns), compound, conc, replicate, rate, 0};
    w.initial_diameter = c.initial_diameter * (1 + jitter.uniform(-c.initial_jitter, c.initial_jitter));
    wells.push_back(w);
  };
  for (const AssayCompound& compound : c.compounds) {
    for (int rep = 1; rep <= c.replicates; ++rep, ++row) {
      for (std::size_t k = 0; k < c.concentrations.size(); ++k) {
        add(static_cast<int>(k), compound.name, c.concentrations[k], rep, assay_rate(compound, c.concentrations[k]));
      }
    }
  }
  for (int k = 0; k < c.control_wells; ++k) {
    if (k > 0 && k % columns == 0) ++row;
    add(k % columns, kVehicle, 0.0, k / columns + 1, c.control_rate);
  }
  return wells;
}

}  // namespace

double assay_rate(const AssayCompound& compound, double c) {
  if (!(c > 0)) return compound.top;
  return compound.bottom + (compound.top - compound.bottom) / (1 + std::pow(c / compound.ic50, compound.hill));
}

void validate_synth_assay(const SynthAssayConfig& c) {
  const auto fail = [](const std::string& what) { throw ConfigError("synthetic assay: " + what); };
  if (c.compounds.empty() && c.control_wells <= 0) fail("no compounds and no control wells");
  if (c.concentrations.empty() && !c.compounds.empty()) fail("concentrations is empty");
  for (double conc : c.concentrations) {
    if (!(conc > 0)) fail("concentrations must be > 0 (controls are the control wells)");
  }
  for (const AssayCompound& k : c.compounds) {
    if (k.name.empty() || k.name == kVehicle) fail("a compound needs a name other than \"vehicle\"");
    if (!(k.ic50 > 0 && k.top > 0 && k.bottom > 0 && std::isfinite(k.hill))) {
      fail("compound \"" + k.name + "\": ic50, top and bottom must be > 0");
    }
  }
  if (c.replicates < 1 || c.control_wells < 0) fail("replicates must be >= 1 and control_wells >= 0");
  if (c.times_h.empty()) fail("times_h is empty");
  for (std::size_t i = 0; i < c.times_h.size(); ++i) {
    if (!(c.times_h[i] >= 0) || (i > 0 && !(c.times_h[i] > c.times_h[i - 1]))) fail("times_h must be >= 0 and increasing");
  }
  if (!(c.control_rate > 0) || !(c.initial_jitter >= 0 && c.initial_jitter < 0.5)) {
    fail("control_rate must be > 0 and initial_jitter in [0, 0.5)");
  }
  if (c.image_size < 64 || c.image_size > 4096) fail("image_size must be 64..4096 px");
  const auto rows = static_cast<int>(c.compounds.size()) * c.replicates + (c.control_wells + 23) / 24;
  if (static_cast<int>(c.concentrations.size()) > 24 || rows > 16) fail("the wells do not fit a 384-well plate");
  double fastest = c.control_rate;
  for (const AssayCompound& k : c.compounds) fastest = std::max({fastest, k.top, k.bottom});
  const double smallest = c.initial_diameter * (1 - c.initial_jitter);
  const double largest = c.initial_diameter * (1 + c.initial_jitter) * std::exp(fastest * c.times_h.back() / 2);
  if (smallest < kMinDiameter || largest > kMaxDiameter) {
    fail(fmt::format("spheroids would span {:.0f}-{:.0f} px; keep them within {:.0f}-{:.0f} px (initial_diameter, "
                     "rates, times_h)", smallest, largest, kMinDiameter, kMaxDiameter));
  }
  if (largest > kMaxFillOfWell * 2 * kWellRadiusOfImage * c.image_size) {
    fail(fmt::format("the largest spheroid ({:.0f} px) would outgrow half its well; use image_size >= {:.0f}", largest,
                     largest / (kMaxFillOfWell * 2 * kWellRadiusOfImage)));
  }
}

SynthAssaySummary write_synthetic_assay(const fs::path& out_dir, const SynthAssayConfig& config, bool overwrite) {
  validate_synth_assay(config);
  SynthAssaySummary s;
  s.images_dir = out_dir / data::contract::kImagesDir;
  s.masks_dir = out_dir / data::contract::kMasksDir;
  std::error_code ec;
  if (fs::is_directory(s.images_dir, ec) && !fs::is_empty(s.images_dir, ec)) {
    if (!overwrite) throw ConfigError("\"" + s.images_dir.string() + "\" is not empty; pass --force to replace it");
    fs::remove_all(s.images_dir, ec);
    fs::remove_all(s.masks_dir, ec);
  }
  const std::vector<Well> wells = plan_wells(config);
  synth::SynthConfig look;
  look.width = look.height = config.image_size;
  look.seed = config.seed;
  look.overlay_fraction = 0.0;  // no burned-in text: the well's one object is the spheroid
  look.ula_well_radius = kWellRadiusOfImage * config.image_size;

  std::ostringstream layout, truth_wells, truth_images, truth;
  layout << "plate,well,compound,concentration,unit,replicate\n";
  truth_wells << "plate,well,compound,concentration,replicate,growth_rate,initial_diameter_px\n";
  truth_images << "image,plate,well,time_h,diameter_px,true_area_px\n";
  truth << "compound,readout,ic50,hill,top,bottom,unit\n";
  for (const AssayCompound& k : config.compounds) {
    truth << fmt::format("{},growth_rate,{},{},{},{},{}\n", k.name, k.ic50, k.hill, k.top, k.bottom, kUnit);
  }
  s.min_diameter = 1e9;
  core::Progress progress("synth_assay", static_cast<std::int64_t>(wells.size() * config.times_h.size()), "img");
  for (std::size_t w = 0; w < wells.size(); ++w) {
    const Well& well = wells[w];
    layout << fmt::format("{},{},{},{},{},{}\n", config.plate, well.name, well.compound, well.concentration, kUnit,
                          well.replicate);
    truth_wells << fmt::format("{},{},{},{},{},{:.10g},{:.4f}\n", config.plate, well.name, well.compound,
                               well.concentration, well.replicate, well.rate, well.initial_diameter);
    for (double t : config.times_h) {
      // Area grows as exp(rate t): the diameter as exp(rate t / 2). Same seed at every time point,
      // so the well, its light and the spheroid's shape stay; only the size changes.
      look.ula_spheroid_diameter = well.initial_diameter * std::exp(well.rate * t / 2);
      const synth::StyledImage image = synth::synthesize_styled(look, synth::SynthStyle::kUlaRoundBottom, w);
      const std::string stem = fmt::format("{}_{}_1_{}", config.plate, well.name, incucyte_time(t));
      if (image.file_type == synth::SynthFileType::kFloat32) {
        io::write_float_tiff(s.images_dir / (stem + ".tif"), image.image);
      } else {
        io::write_gray_tiff(s.images_dir / (stem + ".tif"), image.image);
      }
      io::write_mask_tiff(s.masks_dir / (stem + data::contract::kMaskStemSuffix + ".tif"), image.mask);
      int area = 0;
      for (const auto& o : image.objects) area += o.area;
      truth_images << fmt::format("{},{},{},{},{:.4f},{}\n", stem, config.plate, well.name, t,
                                  look.ula_spheroid_diameter, area);
      s.min_diameter = std::min(s.min_diameter, look.ula_spheroid_diameter);
      s.max_diameter = std::max(s.max_diameter, look.ula_spheroid_diameter);
      ++s.images;
      progress.advance();
    }
  }
  progress.finish();
  s.wells = static_cast<int>(wells.size());
  s.layout_csv = out_dir / "layout.csv";
  s.wells_csv = out_dir / "assay_wells.csv";
  s.truth_csv = out_dir / "assay_truth.csv";
  s.images_csv = out_dir / "assay_images.csv";
  core::write_file_atomic(s.layout_csv, layout.str());
  core::write_file_atomic(s.wells_csv, truth_wells.str());
  core::write_file_atomic(s.truth_csv, truth.str());
  core::write_file_atomic(s.images_csv, truth_images.str());
  return s;
}

}  // namespace segoid::synth
