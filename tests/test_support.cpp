// SPDX-License-Identifier: MIT
// Shared helpers for tests.
#include "test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "segoid/data/manifest.hpp"
#include "segoid/synth/synth_plate.hpp"
#include "segoid/io/image_io.hpp"

namespace segoid::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() /
          ("segoid-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path source_dir() { return fs::path(SEGOID_SOURCE_DIR); }

fs::path shared_real_data_dir() {
  const fs::path dir = source_dir().parent_path() / "shared" / "data" / "real";
  return fs::is_directory(dir) ? dir : fs::path();
}

fs::path build_dir() { return fs::path(SEGOID_BUILD_DIR); }

fs::path test_model() {
  const char* env = std::getenv("SEGOID_TEST_MODEL");
  if (env != nullptr && *env != '\0' && fs::is_regular_file(env)) return fs::path(env);
  const fs::path shipped = source_dir() / "models" / "spheroid-base.pth";
  return fs::is_regular_file(shipped) ? shipped : fs::path();
}

int run_command(const std::string& command, std::string* output) {
  const std::string full = command + " 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  std::string text;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

fs::path write_tiny_plates(const fs::path& root, const std::string& manifest_name, int first, int count,
                           unsigned long long seed) {
  synth::SynthConfig sc;
  sc.width = 256;
  sc.height = 256;
  sc.well_rows = 2;
  sc.well_cols = 2;
  sc.min_diameter = 30;
  sc.max_diameter = 45;
  sc.empty_fraction = 0.0;
  sc.bit_depth = 8;
  sc.seed = seed;
  data::Manifest manifest;
  for (int i = first; i < first + count; ++i) {
    const synth::SynthImage plate = synth::synthesize_plate(sc, static_cast<std::uint64_t>(i));
    const std::string name = synth::synth_image_name(i);
    const fs::path image = root / "images" / (name + ".tif");
    const fs::path mask = root / "masks" / (name + "_mask.tif");
    io::write_gray_tiff(image, plate.image);
    io::write_mask_tiff(mask, plate.mask);
    data::ManifestRow row;
    row.basename = name;
    row.image_path = image.string();
    row.mask_path = mask.string();
    manifest.rows.push_back(row);
  }
  data::write_manifest(root / manifest_name, manifest);
  return root / manifest_name;
}

bool python_has(const std::string& modules) {
  std::string imports;
  std::string module;
  for (char c : modules + " ") {
    if (c == ' ') {
      if (!module.empty()) imports += "import " + module + ";";
      module.clear();
    } else {
      module += c;
    }
  }
  return run_command("/usr/bin/python3 -c '" + imports + "' >/dev/null 2>&1") == 0;
}

}  // namespace segoid::test
