// SPDX-License-Identifier: MIT
// SHA-256 against the FIPS 180-4 examples and against Python's hashlib on a multi-block file.
#include "segoid/core/sha256.hpp"

#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::core {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, FileMatchesHashlib) {
  test::TempDir dir;
  std::string bytes;
  for (int i = 0; i < 3'000'000; ++i) bytes += static_cast<char>((i * 131 + i / 7) & 0xFF);
  write_file_atomic(dir / "w.pth", bytes);
  EXPECT_EQ(sha256_file(dir / "w.pth"), sha256_hex(bytes));
  EXPECT_THROW(sha256_file(dir / "missing.pth"), IoError);
  if (!test::python_has("hashlib")) GTEST_SKIP() << "/usr/bin/python3 needed";
  std::string output;
  ASSERT_EQ(test::run_command("/usr/bin/python3 -c \"import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb')"
                              ".read()).hexdigest())\" " + (dir / "w.pth").string(),
                              &output),
            0);
  EXPECT_EQ(output.substr(0, 64), sha256_file(dir / "w.pth"));
}

TEST(Sha256Test, MissingFileNamesIt) {
  try {
    sha256_file("/nonexistent/model.pt");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model.pt"), std::string::npos);
  }
}

}  // namespace
}  // namespace segoid::core
