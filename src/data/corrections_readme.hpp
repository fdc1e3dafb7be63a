// SPDX-License-Identifier: MIT
// The README of a correction workspace (data-internal).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace segoid::data {

/// Markdown: what the folders hold and the Fiji steps to correct a mask and bring it back.
std::string correction_readme(const std::filesystem::path& workspace, std::size_t images);

}  // namespace segoid::data
