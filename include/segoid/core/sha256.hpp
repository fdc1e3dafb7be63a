// SPDX-License-Identifier: MIT
// SHA-256 (FIPS 180-4) of bytes and files, for recording which weights file a model started from.
#pragma once

#include <filesystem>
#include <string>

namespace segoid::core {

/// Lower-case hex SHA-256 of `bytes` (64 characters).
std::string sha256_hex(const std::string& bytes);

/// Lower-case hex SHA-256 of the file's contents, read in chunks. Throws IoError naming the file.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace segoid::core
