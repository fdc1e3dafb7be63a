// SPDX-License-Identifier: MIT
// SHA-256 digests (FIPS 180-4) of files, for recording which exact checkpoint a model came from.
#pragma once

#include <filesystem>
#include <string>

namespace segoid::core {

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);

/// Lower-case hex SHA-256 of the file at `path`, read in chunks. Throws IoError naming the file
/// when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace segoid::core
