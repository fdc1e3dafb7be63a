// SPDX-License-Identifier: MIT
// torch.save fixtures written once per test process by tests/model/make_torch_fixtures.py.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace segoid::test {

/// The fixture folder, or empty when /usr/bin/python3 lacks torch/torchvision/numpy (tests skip).
/// Written on first use; smp-reference fixtures only when ../shared/reference exists.
inline std::filesystem::path torch_fixture_dir() {
  static std::unique_ptr<TempDir> dir;
  static bool tried = false;
  if (!tried) {
    tried = true;
    if (python_has("torch torchvision numpy")) {
      auto fresh = std::make_unique<TempDir>();
      const auto reference = source_dir().parent_path() / "shared" / "reference";
      const std::string command = "/usr/bin/python3 '" + (source_dir() / "tests/model/make_torch_fixtures.py").string() +
                                  "' '" + fresh->path().string() + "' " +
                                  (std::filesystem::exists(reference) ? "'" + reference.string() + "'" : "");
      std::string output;
      if (run_command(command, &output) == 0) dir = std::move(fresh);
    }
  }
  return dir ? dir->path() : std::filesystem::path();
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
