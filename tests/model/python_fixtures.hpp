// SPDX-License-Identifier: MIT
// torch.save fixtures written once per build by tests/model/make_torch_fixtures.py.
#pragma once

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace segoid::test {

/// The fixture folder, or empty when /usr/bin/python3 lacks torch/torchvision/numpy (tests skip).
/// Generated once into the build folder (`test_fixtures/torch-<hash of script>`), shared by the
/// test processes that ctest starts, and regenerated when the script changes. smp-reference
/// fixtures only when ../shared/reference exists.
inline std::filesystem::path torch_fixture_dir() {
  namespace fs = std::filesystem;
  static fs::path dir;
  static bool tried = false;
  if (tried) return dir;
  tried = true;
  const fs::path script = source_dir() / "tests/model/make_torch_fixtures.py";
  const fs::path reference = source_dir().parent_path() / "shared" / "reference";
  const bool with_reference = fs::exists(reference);
  std::ifstream in(script, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t key = std::hash<std::string>{}(text + (with_reference ? "+ref" : ""));
  const fs::path target = build_dir() / "test_fixtures" / ("torch-" + std::to_string(key));
  if (fs::exists(target / "done")) return dir = target;
  if (!python_has("torch torchvision numpy")) return dir;
  // Generate beside the target and rename: concurrent test processes never see a partial folder.
  const fs::path staging = target.string() + ".tmp." + std::to_string(::getpid());
  fs::create_directories(staging);
  const std::string command = "/usr/bin/python3 '" + script.string() + "' '" + staging.string() + "' " +
                              (with_reference ? "'" + reference.string() + "'" : "");
  std::string output;
  std::error_code ec;
  for (const auto& old : fs::directory_iterator(target.parent_path(), ec)) {  // fixtures of older scripts
    const std::string name = old.path().filename().string();
    if (old.path() != target && name.find(".tmp.") == std::string::npos) fs::remove_all(old.path(), ec);
  }
  if (run_command(command, &output) == 0) {
    std::ofstream(staging / "done") << "ok\n";
    fs::rename(staging, target, ec);  // fails when another process got there first: use theirs
  } else {
    ADD_FAILURE() << "fixture script failed although python3 has torch: " << command << "\n" << output;
  }
  fs::remove_all(staging, ec);
  if (fs::exists(target / "done")) dir = target;
  return dir;
}

/// True when the smp reference fixtures (python_segoid.pth, input/output) exist.
inline bool has_reference_fixtures() {
  const auto dir = torch_fixture_dir();
  return !dir.empty() && std::filesystem::exists(dir / "python_segoid.pth");
}

/// One line of a digest file: name, dtype, shape, float64 sum, first values.
struct DigestEntry {
  std::string name, dtype, shape;
  double sum = 0.0;
  std::vector<double> first;
};

inline std::vector<DigestEntry> read_digest(const std::filesystem::path& path) {
  std::vector<DigestEntry> entries;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    DigestEntry e;
    std::string sum, first;
    std::getline(fields, e.name, '\t');
    std::getline(fields, e.dtype, '\t');
    std::getline(fields, e.shape, '\t');
    std::getline(fields, sum, '\t');
    std::getline(fields, first, '\t');
    e.sum = std::stod(sum);
    std::istringstream values(first);
    double v;
    while (values >> v) e.first.push_back(v);
    entries.push_back(e);
  }
  return entries;
}

/// Raw little-endian float32 file.
inline std::vector<float> read_f32(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<float> values;
  float v;
  while (in.read(reinterpret_cast<char*>(&v), sizeof(v))) values.push_back(v);
  return values;
}

}  // namespace segoid::test
