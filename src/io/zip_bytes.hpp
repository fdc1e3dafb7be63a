// SPDX-License-Identifier: MIT
// The zip format's little-endian fields and record signatures, shared by zip_directory and
// zip_archive (private to io).
#pragma once

#include <cstdint>
#include <string>

#include "segoid/core/error.hpp"

namespace segoid::io::zip_detail {

constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint64_t kLocalSize = 30;    ///< fixed part of a local file header
constexpr std::uint64_t kCentralSize = 46;  ///< fixed part of a central-directory entry
constexpr std::uint64_t kEndSize = 22;      ///< end-of-central-directory record without its comment
constexpr std::uint16_t kStored = 0;        ///< compression methods
constexpr std::uint16_t kDeflate = 8;

/// The `n`-byte little-endian number at `at` of `b` (the caller checks the bounds).
inline std::uint64_t little(const std::string& b, std::size_t at, int n) {
  std::uint64_t value = 0;
  for (int i = n - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(b[at + i]);
  return value;
}

/// Appends `value` as `n` little-endian bytes.
inline void put_little(std::string& out, std::uint64_t value, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

/// Throws IoError "cannot read \"<source>\": <what>".
[[noreturn]] inline void fail(const std::string& source, const std::string& what) {
  throw IoError("cannot read \"" + source + "\": " + what);
}

}  // namespace segoid::io::zip_detail
