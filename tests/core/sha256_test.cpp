// SPDX-License-Identifier: MIT
// SHA-256 against the FIPS 180-4 examples and against the system's sha256sum.
#include "segoid/core/sha256.hpp"

#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::core {
namespace {

TEST(Sha256Test, MatchesFipsExamples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, FileDigestMatchesSha256sum) {
  test::TempDir dir;
  std::string content;
  for (int i = 0; i < 3 * 1024 * 1024 + 17; ++i) content += static_cast<char>((i * 131) % 251);
  write_file_atomic(dir / "blob.bin", content);
  std::string output;
  if (test::run_command("sha256sum '" + (dir / "blob.bin").string() + "'", &output) != 0) {
    GTEST_SKIP() << "sha256sum not available";
  }
  EXPECT_EQ(sha256_file(dir / "blob.bin"), output.substr(0, 64));
  EXPECT_EQ(sha256_hex(content), output.substr(0, 64));
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
