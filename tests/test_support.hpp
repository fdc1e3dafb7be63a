// SPDX-License-Identifier: MIT
// Shared helpers for tests: temporary folders, paths to the source tree and the built CLI.
#pragma once

#include <filesystem>
#include <string>

namespace segoid::test {

/// A fresh folder under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// The repository root (for configs/ and tests/fixtures/).
std::filesystem::path source_dir();
/// `../shared/data/real` beside the checkout, or empty when absent (tests then GTEST_SKIP).
std::filesystem::path shared_real_data_dir();
/// The build folder (for fixtures cached between test runs).
std::filesystem::path build_dir();
/// Path of the built `segoid` executable. Defined in test_binary.cpp, which only the executables
/// of e2e sources (`// CTest label: e2e`) and tests/reliability link: a unit test that runs the
/// binary does not link (tests/README.md).
std::filesystem::path segoid_binary();

/// Runs a shell command, returns its exit status; stdout+stderr go to `output` when given.
int run_command(const std::string& command, std::string* output = nullptr);

/// Writes `count` small synthetic plates (256x256, 2x2 wells, spheroids 30-45 px, 8-bit, none
/// empty), plate indices first..first+count-1 of `seed`, to root/images and root/masks, and a
/// manifest root/<manifest_name> with absolute paths. Returns the manifest path.
std::filesystem::path write_tiny_plates(const std::filesystem::path& root, const std::string& manifest_name,
                                        int first, int count, unsigned long long seed);

/// The trained model end-to-end tests segment with: $SEGOID_TEST_MODEL when it names a file, else
/// the repository's models/spheroid-base.pth when it exists; empty when neither does (GTEST_SKIP).
std::filesystem::path test_model();

/// True when /usr/bin/python3 can import all of the given modules (space separated).
bool python_has(const std::string& modules);

}  // namespace segoid::test
