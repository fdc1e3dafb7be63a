// SPDX-License-Identifier: MIT
// Atomic file replacement: write to "<target>.tmp.<pid>" in the same folder, then rename.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace segoid::core {

/// Owns a temporary path beside `target`. Write to temp_path() (or stream()), then commit():
/// the file appears under `target` complete or not at all. Destroying an uncommitted
/// AtomicFile removes the temporary file. Parent folders are created. Throws IoError.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Path to write to; for libraries that open files themselves (libtiff, torch).
  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  /// A text/binary stream on the temporary path, opened on first use.
  std::ofstream& stream();
  /// Flushes, closes and renames the temporary file over the target. Throws IoError.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::ofstream out_;
  bool committed_ = false;
};

/// Writes `content` to `path` atomically. Throws IoError.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

/// Removes the temporary files AtomicFile left in `dir` (not recursive) when its process was
/// killed before commit: "<name>.tmp.<pid>" whose pid is no longer running. Returns how many.
int remove_stale_temporaries(const std::filesystem::path& dir);

/// Reads a whole file. Throws IoError naming the file when it is missing or unreadable.
std::string read_file(const std::filesystem::path& path);

}  // namespace segoid::core
