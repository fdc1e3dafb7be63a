// SPDX-License-Identifier: MIT
// Whole zip archives: our writer read back by us and by Python's zipfile, Python's archives read
// by us, and corrupt archives refused with the file named.
#include "segoid/io/zip_archive.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"
#include "test_support.hpp"

namespace segoid::io {
namespace {

std::vector<ZipFile> sample_files() {
  core::Rng rng(5);
  std::string noise(5000, '\0');
  for (char& c : noise) c = static_cast<char>(rng.uniform_int(0, 255));
  return {{"a.roi", std::string(4000, 'a') + "tail"}, {"dir/noise.bin", noise}, {"empty", ""}};
}

TEST(ZipArchiveTest, RoundTripKeepsNamesAndBytes) {
  const std::vector<ZipFile> files = sample_files();
  const std::string zip = make_zip_archive(files);
  EXPECT_LT(zip.size(), 4000u + 5000u);  // the repetitive entry was deflated
  const std::vector<ZipFile> back = read_zip_files(zip, "x.zip", 1 << 20);
  ASSERT_EQ(back.size(), files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(back[i].name, files[i].name);
    EXPECT_EQ(back[i].bytes, files[i].bytes);
  }
  EXPECT_EQ(make_zip_archive(files), zip);  // no timestamps: equal inputs, equal bytes
}

TEST(ZipArchiveTest, PythonZipfileReadsOurArchive) {
  if (!test::python_has("zipfile")) GTEST_SKIP() << "needs /usr/bin/python3";
  test::TempDir dir;
  core::write_file_atomic(dir / "ours.zip", make_zip_archive(sample_files()));
  std::string output;
  ASSERT_EQ(test::run_command("/usr/bin/python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
                              "assert z.testzip() is None; print(';'.join('%s:%d:%d' % (i.filename, i.compress_type, "
                              "len(z.read(i))) for i in z.infolist()))\" " + (dir / "ours.zip").string(), &output),
            0) << output;
  EXPECT_EQ(output, "a.roi:8:4004;dir/noise.bin:0:5000;empty:0:0\n");
}

TEST(ZipArchiveTest, ReadsPythonDeflatedArchive) {
  if (!test::python_has("zipfile")) GTEST_SKIP() << "needs /usr/bin/python3";
  test::TempDir dir;
  ASSERT_EQ(test::run_command("/usr/bin/python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w', "
                              "zipfile.ZIP_DEFLATED); z.writestr('x/', ''); z.writestr('one.txt', 'hello ' * 300); "
                              "z.writestr('two.txt', 'b'); z.close()\" " + (dir / "py.zip").string()),
            0);
  const std::vector<ZipFile> files = read_zip_files(dir / "py.zip", 1 << 20);
  ASSERT_EQ(files.size(), 2u);  // the folder entry is skipped
  EXPECT_EQ(files[0].name, "one.txt");
  std::string expected;
  for (int i = 0; i < 300; ++i) expected += "hello ";
  EXPECT_EQ(files[0].bytes, expected);
  EXPECT_EQ(files[1].bytes, "b");
}

TEST(ZipArchiveTest, CorruptArchivesAreRefusedNamingTheFile) {
  const std::string zip = make_zip_archive({{"a.roi", std::string(3000, 'a')}, {"b.roi", "bbbb"}});
  std::string flipped = zip;
  flipped[40] ^= 0x55;  // inside the first entry's deflate data
  std::string stored_flip = zip;
  stored_flip[zip.find("bbbb")] = 'c';  // a stored entry whose CRC no longer matches
  for (const std::string& bad : {flipped, stored_flip, zip.substr(0, zip.size() / 2)}) {
    try {
      read_zip_files(bad, "broken.zip", 1 << 20);
      FAIL() << "accepted a corrupt archive";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("broken.zip"), std::string::npos) << e.what();
    }
  }
}

TEST(ZipArchiveTest, EntryOverTheLimitIsRefusedBeforeInflating) {
  const std::string zip = make_zip_archive({{"big.roi", std::string(100000, 'z')}});
  try {
    read_zip_files(zip, "bomb.zip", 1000);
    FAIL() << "inflated an entry over the limit";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("big.roi"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::io
