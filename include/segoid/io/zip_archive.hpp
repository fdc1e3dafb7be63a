// SPDX-License-Identifier: MIT
// Whole zip archives of small files (Fiji's RoiSet.zip): every entry read and CRC-checked, or
// written deflated. The central directory and its size checks are zip_directory's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace segoid::io {

/// One file inside an archive.
struct ZipFile {
  std::string name;   ///< path inside the archive, as stored
  std::string bytes;  ///< uncompressed content
};

/// Every entry of the archive `bytes` (stored or deflate), in directory order. Each entry's
/// declared size is checked first (zip_entry_size_problem against `max_entry_bytes`), then its
/// local header, inflated size and CRC-32. Folders (names ending in '/') are skipped. Throws
/// IoError "cannot read \"<source>\": ..." naming the entry for anything inconsistent.
std::vector<ZipFile> read_zip_files(const std::string& bytes, const std::string& source, std::uint64_t max_entry_bytes);

/// Same, for a file on disk (read whole into memory: callers bound its size). Throws IoError
/// naming the file.
std::vector<ZipFile> read_zip_files(const std::filesystem::path& path, std::uint64_t max_entry_bytes);

/// A zip archive of `files`, each deflated (stored when that is not smaller), with a fixed
/// 1980-01-01 timestamp so that equal inputs give equal bytes. Throws IoError for more than
/// 65535 entries or an entry or archive over 4 GiB (no zip64).
std::string make_zip_archive(const std::vector<ZipFile>& files);

}  // namespace segoid::io
