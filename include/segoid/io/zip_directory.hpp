// SPDX-License-Identifier: MIT
// The central directory of a zip archive (torch.save files): entry names and declared sizes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace segoid::io {

/// One central-directory entry, sizes as declared (zip64 extra fields applied).
struct ZipEntry {
  std::string name;
  std::uint16_t method = 0;  ///< 0 stored, 8 deflate
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
  std::uint32_t crc32 = 0;  ///< CRC-32 of the uncompressed data, as declared
};

/// Reads `n` bytes at `offset` of an archive of known size; returns fewer only past the end.
using ZipReadAt = std::function<std::string(std::uint64_t offset, std::uint64_t n)>;

/// The entries of a zip archive of `archive_size` bytes read through `read_at`. Reads only the
/// end-of-central-directory record (zip64 too) and the directory, never the entries' data, and
/// allocates no more than the directory's real size. Throws IoError "cannot read \"<source>\":
/// ..." for a missing or inconsistent directory (offsets or sizes beyond the archive).
std::vector<ZipEntry> read_zip_directory(std::uint64_t archive_size, const ZipReadAt& read_at,
                                         const std::string& source);

/// Same, for a file on disk. Throws IoError naming the file.
std::vector<ZipEntry> read_zip_directory(const std::filesystem::path& path);

/// Same, for an archive in memory.
std::vector<ZipEntry> read_zip_directory(const std::string& bytes, const std::string& source);

/// Why reading `entry` of an archive of `archive_size` bytes could allocate more than allowed:
/// a declared size over `max_bytes`, a stored entry larger than the archive, a deflated one
/// beyond deflate's 1032:1 ratio, or an unknown method. Empty when it is safe to extract.
std::string zip_entry_size_problem(const ZipEntry& entry, std::uint64_t archive_size, std::uint64_t max_bytes);

}  // namespace segoid::io
