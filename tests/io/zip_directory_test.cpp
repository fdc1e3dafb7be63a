// SPDX-License-Identifier: MIT
// Zip central directory: entries and declared sizes, and the size checks made before extraction.
#include "segoid/io/zip_directory.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "segoid/core/error.hpp"

namespace segoid::io {
namespace {

void put(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

/// A stored (uncompressed) zip with the given entries, as torch.save lays it out (CRC left 0).
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  std::string directory;
  for (const auto& [name, data] : files) {
    const std::uint64_t offset = out.size();
    put(out, 0x04034b50, 4); put(out, 20, 2); put(out, 0, 2); put(out, 0, 2); put(out, 0, 4); put(out, 0, 4);
    put(out, data.size(), 4); put(out, data.size(), 4); put(out, name.size(), 2); put(out, 0, 2);
    out += name + data;
    put(directory, 0x02014b50, 4); put(directory, 20, 2); put(directory, 20, 2); put(directory, 0, 2);
    put(directory, 0, 2); put(directory, 0, 4); put(directory, 0, 4); put(directory, data.size(), 4);
    put(directory, data.size(), 4); put(directory, name.size(), 2); put(directory, 0, 2); put(directory, 0, 2);
    put(directory, 0, 2); put(directory, 0, 2); put(directory, 0, 4); put(directory, offset, 4);
    directory += name;
  }
  const std::uint64_t dir_offset = out.size();
  out += directory;
  put(out, 0x06054b50, 4); put(out, 0, 2); put(out, 0, 2); put(out, files.size(), 2); put(out, files.size(), 2);
  put(out, directory.size(), 4); put(out, dir_offset, 4); put(out, 0, 2);
  return out;
}

TEST(ZipDirectoryTest, ListsEntriesWithDeclaredSizes) {
  const std::string zip = make_zip({{"archive/data.pkl", "\x80\x02N."}, {"archive/data/0", std::string(64, 'x')}});
  const std::vector<ZipEntry> entries = read_zip_directory(zip, "x.pth");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "archive/data.pkl");
  EXPECT_EQ(entries[0].uncompressed_size, 4u);
  EXPECT_EQ(entries[1].name, "archive/data/0");
  EXPECT_EQ(entries[1].uncompressed_size, 64u);
  EXPECT_EQ(entries[1].method, 0);
  for (const ZipEntry& e : entries) EXPECT_EQ(zip_entry_size_problem(e, zip.size(), 1 << 20), "");
}

TEST(ZipDirectoryTest, CorruptDirectoryNamesTheFile) {
  const std::string zip = make_zip({{"archive/data.pkl", "\x80\x02N."}});
  for (const std::string& bad : {zip.substr(0, zip.size() - 3), std::string("PK\x03\x04"), zip.substr(0, 40) + zip.substr(60)}) {
    try {
      read_zip_directory(bad, "broken.pth");
      FAIL() << "accepted a broken zip of " << bad.size() << " bytes";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("\"broken.pth\""), std::string::npos) << e.what();
    }
  }
}

TEST(ZipDirectoryTest, SizeClaimsBeyondTheArchiveOrLimitAreProblems) {
  ZipEntry stored{"archive/data/0", 0, 100, 100, 0};
  EXPECT_EQ(zip_entry_size_problem(stored, 1000, 1 << 20), "");
  stored.uncompressed_size = stored.compressed_size = 100000000000ULL;  // 100 GB in a 1 kB file
  EXPECT_NE(zip_entry_size_problem(stored, 1000, std::uint64_t{1} << 40).find("declares 100000000000 bytes"),
            std::string::npos);
  ZipEntry deflated{"archive/data/1", 8, 100, 10000000, 0};  // 100 kB from 100 bytes: no deflate does that
  EXPECT_NE(zip_entry_size_problem(deflated, 1000, std::uint64_t{1} << 40).find("deflate"), std::string::npos);
  deflated.uncompressed_size = 50000;
  EXPECT_EQ(zip_entry_size_problem(deflated, 1000, std::uint64_t{1} << 40), "");
  EXPECT_NE(zip_entry_size_problem(deflated, 1000, 1000).find("over the limit of 1000"), std::string::npos);
  ZipEntry other{"archive/data/2", 12, 10, 10, 0};  // bzip2
  EXPECT_NE(zip_entry_size_problem(other, 1000, 1 << 20).find("method 12"), std::string::npos);
}

}  // namespace
}  // namespace segoid::io
