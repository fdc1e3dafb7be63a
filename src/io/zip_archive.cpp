// SPDX-License-Identifier: MIT
// Zip entries read (stored, deflate; CRC-checked) and written (deflate), through zlib.
#include "segoid/io/zip_archive.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/zip_directory.hpp"
#include "zip_bytes.hpp"

namespace segoid::io {
namespace {

using namespace zip_detail;  // NOLINT: the zip format helpers of this stage
constexpr std::uint16_t kVersionNeeded = 20;  // 2.0: deflate
constexpr std::uint16_t kUtf8NameFlag = 0x0800;
constexpr std::uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr int kRawDeflateBits = -15;                             // raw deflate stream, 32 KiB window
constexpr int kMemLevel = 8;

std::uint32_t crc_of(const std::string& bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed in chunks so entries over 4 GiB would still be summed right.
  for (std::size_t at = 0; at < bytes.size();) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(bytes.size() - at, std::numeric_limits<uInt>::max()));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), n);
    at += n;
  }
  return static_cast<std::uint32_t>(crc);
}

// Inflates exactly `expected` bytes from a raw deflate stream; anything else is an error.
std::string inflate_raw(const char* data, std::size_t size, std::uint64_t expected, const std::string& what) {
  std::string out(static_cast<std::size_t>(expected), '\0');
  z_stream stream{};
  if (inflateInit2(&stream, kRawDeflateBits) != Z_OK) throw IoError(what + ": zlib cannot start inflating");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  stream.avail_in = static_cast<uInt>(size);
  // One spare byte: a stream that would inflate to more than declared fills it and is refused.
  std::string spare(1, '\0');
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(expected);
  int status = inflate(&stream, Z_FINISH);
  if (status == Z_BUF_ERROR && stream.avail_out == 0) {
    stream.next_out = reinterpret_cast<Bytef*>(spare.data());
    stream.avail_out = 1;
    status = inflate(&stream, Z_FINISH);
  }
  const bool exact = status == Z_STREAM_END && stream.total_out == expected;
  inflateEnd(&stream);
  if (!exact) throw IoError(what + ": deflate data is corrupt or does not inflate to its declared size");
  return out;
}

std::string deflate_raw(const std::string& bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kRawDeflateBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw IoError("zlib cannot start deflating");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(bytes.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw IoError("zlib could not deflate a zip entry");
  return out;
}

}  // namespace

std::vector<ZipFile> read_zip_files(const std::string& bytes, const std::string& source, std::uint64_t max_entry_bytes) {
  std::vector<ZipFile> files;
  for (const ZipEntry& entry : read_zip_directory(bytes, source)) {
    const std::string problem = zip_entry_size_problem(entry, bytes.size(), max_entry_bytes);
    if (!problem.empty()) fail(source, problem);
    const std::string what = "entry \"" + entry.name + "\"";
    if (entry.local_header_offset > bytes.size() || bytes.size() - entry.local_header_offset < kLocalSize ||
        little(bytes, static_cast<std::size_t>(entry.local_header_offset), 4) != kLocalSignature) {
      fail(source, what + ": no local header where the directory points");
    }
    const auto local = static_cast<std::size_t>(entry.local_header_offset);
    const std::uint64_t data_at = local + kLocalSize + little(bytes, local + 26, 2) + little(bytes, local + 28, 2);
    if (data_at > bytes.size() || entry.compressed_size > bytes.size() - data_at) {
      fail(source, what + ": data runs past the end of the archive");
    }
    if (!entry.name.empty() && entry.name.back() == '/') continue;
    const char* data = bytes.data() + data_at;
    ZipFile file{entry.name, {}};
    if (entry.method == kStored) {
      if (entry.compressed_size != entry.uncompressed_size) fail(source, what + ": stored sizes differ");
      file.bytes.assign(data, static_cast<std::size_t>(entry.compressed_size));
    } else {
      try {
        file.bytes = inflate_raw(data, static_cast<std::size_t>(entry.compressed_size), entry.uncompressed_size, what);
      } catch (const IoError& e) {
        fail(source, e.what());
      }
    }
    if (crc_of(file.bytes) != entry.crc32) fail(source, what + ": CRC-32 mismatch (corrupt archive)");
    files.push_back(std::move(file));
  }
  return files;
}

std::vector<ZipFile> read_zip_files(const std::filesystem::path& path, std::uint64_t max_entry_bytes) {
  return read_zip_files(core::read_file(path), path.string(), max_entry_bytes);
}

std::string make_zip_archive(const std::vector<ZipFile>& files) {
  constexpr std::uint64_t kMax32 = 0xFFFFFFFFu;
  if (files.size() > 0xFFFF) {
    throw IoError("cannot write a zip of " + std::to_string(files.size()) + " entries (at most 65535 without zip64)");
  }
  std::string archive, directory;
  for (const ZipFile& file : files) {
    if (file.bytes.size() > kMax32 || file.name.size() > 0xFFFF) {
      throw IoError("cannot write zip entry \"" + file.name + "\": over 4 GiB or name too long (no zip64)");
    }
    std::string deflated = deflate_raw(file.bytes);
    const bool store = deflated.size() >= file.bytes.size();
    const std::string& data = store ? file.bytes : deflated;
    const std::uint16_t method = store ? kStored : kDeflate;
    const std::uint32_t crc = crc_of(file.bytes);
    const std::uint64_t offset = archive.size();
    if (offset > kMax32) throw IoError("cannot write a zip over 4 GiB (no zip64)");
    // Fields shared by the local header (from offset 4) and the directory entry (from offset 6).
    std::string common;
    put_little(common, kVersionNeeded, 2);
    // Bit 11: the name is UTF-8 (as Java's ZipOutputStream marks it); readers assume CP437 otherwise.
    const bool ascii = std::all_of(file.name.begin(), file.name.end(), [](char c) { return (c & 0x80) == 0; });
    put_little(common, ascii ? 0 : kUtf8NameFlag, 2);
    put_little(common, method, 2);
    put_little(common, 0, 2);  // time 00:00
    put_little(common, kDosDate1980, 2);
    put_little(common, crc, 4);
    put_little(common, data.size(), 4);
    put_little(common, file.bytes.size(), 4);
    put_little(common, file.name.size(), 2);
    put_little(common, 0, 2);  // extra field length
    put_little(archive, kLocalSignature, 4);
    archive += common + file.name + data;
    put_little(directory, kCentralSignature, 4);
    put_little(directory, kVersionNeeded, 2);  // made by: 2.0, MS-DOS attributes
    directory += common;
    put_little(directory, 0, 2);  // comment length
    put_little(directory, 0, 2);  // disk number
    put_little(directory, 0, 2);  // internal attributes
    put_little(directory, 0, 4);  // external attributes
    put_little(directory, offset, 4);
    directory += file.name;
  }
  const std::uint64_t directory_at = archive.size();
  if (directory_at + directory.size() > kMax32) throw IoError("cannot write a zip over 4 GiB (no zip64)");
  archive += directory;
  put_little(archive, kEndSignature, 4);
  put_little(archive, 0, 2);  // this disk
  put_little(archive, 0, 2);  // directory's disk
  put_little(archive, files.size(), 2);
  put_little(archive, files.size(), 2);
  put_little(archive, directory.size(), 4);
  put_little(archive, directory_at, 4);
  put_little(archive, 0, 2);  // comment length
  return archive;
}

}  // namespace segoid::io
