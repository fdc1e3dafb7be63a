// SPDX-License-Identifier: MIT
// Zip central-directory reader: enough to check declared sizes before anything is extracted.
#include "segoid/io/zip_directory.hpp"

#include <algorithm>
#include <fstream>

#include "segoid/core/error.hpp"
#include "zip_bytes.hpp"

namespace segoid::io {
namespace {

using namespace zip_detail;  // NOLINT: the zip format helpers of this stage
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint64_t kMaxComment = 0xFFFF;
constexpr std::uint64_t kLocatorSize = 20;
constexpr std::uint64_t kZip64EndSize = 56;
constexpr std::uint16_t kZip64ExtraId = 0x0001;
/// Deflate cannot expand data by more than about 1032:1 (258-byte matches in 2 bits).
constexpr std::uint64_t kMaxDeflateRatio = 1032;
constexpr std::uint64_t kDeflateSlack = 1024;

/// Applies the zip64 extended-information extra field to sizes and offset saturated at 0xFFFFFFFF.
void apply_zip64(const std::string& extra, ZipEntry& e, const std::string& source) {
  for (std::size_t at = 0; at + 4 <= extra.size();) {
    const auto id = static_cast<std::uint16_t>(little(extra, at, 2));
    const std::size_t length = little(extra, at + 2, 2);
    if (at + 4 + length > extra.size()) fail(source, "zip extra field runs past its entry");
    if (id == kZip64ExtraId) {
      std::size_t pos = at + 4;
      const std::size_t end = pos + length;
      for (std::uint64_t* field : {&e.uncompressed_size, &e.compressed_size, &e.local_header_offset}) {
        if (*field != 0xFFFFFFFFu) continue;
        if (pos + 8 > end) fail(source, "zip64 extra field too short for entry \"" + e.name + "\"");
        *field = little(extra, pos, 8);
        pos += 8;
      }
      return;
    }
    at += 4 + length;
  }
}

}  // namespace

std::vector<ZipEntry> read_zip_directory(std::uint64_t archive_size, const ZipReadAt& read_at,
                                         const std::string& source) {
  if (archive_size < kEndSize) fail(source, "not a zip archive (too short)");
  const std::uint64_t tail_size = std::min(archive_size, kEndSize + kMaxComment);
  const std::string tail = read_at(archive_size - tail_size, tail_size);
  if (tail.size() != tail_size) fail(source, "short read of the zip directory");
  std::size_t end_at = std::string::npos;
  for (std::size_t at = tail.size() - kEndSize + 1; at-- > 0;) {
    if (little(tail, at, 4) == kEndSignature) { end_at = at; break; }
  }
  if (end_at == std::string::npos) fail(source, "not a zip archive (no end of central directory)");
  std::uint64_t count = little(tail, end_at + 10, 2);
  std::uint64_t dir_size = little(tail, end_at + 12, 4);
  std::uint64_t dir_offset = little(tail, end_at + 16, 4);
  const std::uint64_t end_pos = archive_size - tail_size + end_at;
  if (count == 0xFFFF || dir_size == 0xFFFFFFFFu || dir_offset == 0xFFFFFFFFu) {
    if (end_pos < kLocatorSize) fail(source, "zip64 locator missing");
    const std::string locator = read_at(end_pos - kLocatorSize, kLocatorSize);
    if (locator.size() != kLocatorSize || little(locator, 0, 4) != kZip64LocatorSignature) {
      fail(source, "zip64 locator missing");
    }
    const std::uint64_t zip64_end = little(locator, 8, 8);
    if (zip64_end > archive_size || archive_size - zip64_end < kZip64EndSize) fail(source, "zip64 record beyond the archive");
    const std::string record = read_at(zip64_end, kZip64EndSize);
    if (record.size() != kZip64EndSize || little(record, 0, 4) != kZip64EndSignature) fail(source, "zip64 record missing");
    count = little(record, 32, 8);
    dir_size = little(record, 40, 8);
    dir_offset = little(record, 48, 8);
  }
  if (dir_offset > archive_size || dir_size > archive_size - dir_offset) {
    fail(source, "zip directory of " + std::to_string(dir_size) + " bytes at " + std::to_string(dir_offset) +
                     " lies beyond the archive (" + std::to_string(archive_size) + " bytes)");
  }
  if (count > dir_size / kCentralSize) fail(source, "zip directory claims more entries than it can hold");
  const std::string dir = read_at(dir_offset, dir_size);
  if (dir.size() != dir_size) fail(source, "short read of the zip directory");
  std::vector<ZipEntry> entries;
  entries.reserve(static_cast<std::size_t>(count));
  std::size_t at = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (at + kCentralSize > dir.size() || little(dir, at, 4) != kCentralSignature) {
      fail(source, "zip directory entry " + std::to_string(i) + " is corrupt");
    }
    ZipEntry e;
    e.method = static_cast<std::uint16_t>(little(dir, at + 10, 2));
    e.crc32 = static_cast<std::uint32_t>(little(dir, at + 16, 4));
    e.compressed_size = little(dir, at + 20, 4);
    e.uncompressed_size = little(dir, at + 24, 4);
    const std::size_t name_length = little(dir, at + 28, 2);
    const std::size_t extra_length = little(dir, at + 30, 2);
    const std::size_t comment_length = little(dir, at + 32, 2);
    e.local_header_offset = little(dir, at + 42, 4);
    const std::size_t variable = name_length + extra_length + comment_length;
    if (at + kCentralSize + variable > dir.size()) fail(source, "zip directory entry " + std::to_string(i) + " is cut short");
    e.name = dir.substr(at + kCentralSize, name_length);
    apply_zip64(dir.substr(at + kCentralSize + name_length, extra_length), e, source);
    entries.push_back(std::move(e));
    at += kCentralSize + variable;
  }
  return entries;
}

std::vector<ZipEntry> read_zip_directory(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path.string(), "cannot open");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(in.tellg());
  const ZipReadAt read_at = [&in](std::uint64_t offset, std::uint64_t n) {
    std::string bytes(static_cast<std::size_t>(n), '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(bytes.data(), static_cast<std::streamsize>(n));
    bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return bytes;
  };
  return read_zip_directory(size, read_at, path.string());
}

std::vector<ZipEntry> read_zip_directory(const std::string& bytes, const std::string& source) {
  const ZipReadAt read_at = [&bytes](std::uint64_t offset, std::uint64_t n) {
    if (offset >= bytes.size()) return std::string();
    return bytes.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(n));
  };
  return read_zip_directory(bytes.size(), read_at, source);
}

std::string zip_entry_size_problem(const ZipEntry& entry, std::uint64_t archive_size, std::uint64_t max_bytes) {
  const std::string what = "record \"" + entry.name + "\" declares " + std::to_string(entry.uncompressed_size) + " bytes";
  if (entry.uncompressed_size > max_bytes) {
    return what + ", over the limit of " + std::to_string(max_bytes) + " (segoid --max-record-mb)";
  }
  if (entry.compressed_size > archive_size) return what + " stored in more bytes than the archive has";
  if (entry.method == kStored) {
    if (entry.uncompressed_size > archive_size) return what + " but the archive has only " + std::to_string(archive_size);
    return {};
  }
  if (entry.method == kDeflate) {
    if (entry.uncompressed_size / kMaxDeflateRatio > entry.compressed_size + kDeflateSlack) {
      return what + " from " + std::to_string(entry.compressed_size) + " compressed bytes, beyond what deflate can expand";
    }
    return {};
  }
  return "record \"" + entry.name + "\" uses zip compression method " + std::to_string(entry.method) +
         " (only stored and deflate are read)";
}

}  // namespace segoid::io
