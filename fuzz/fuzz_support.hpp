// SPDX-License-Identifier: MIT
// Shared by the libFuzzer targets: a scratch folder, fuzz-sized input limits, quiet logging.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace segoid::fuzz {

/// A folder private to this process (under /dev/shm when it exists), removed at exit.
const std::filesystem::path& scratch_dir();

/// Writes `size` bytes to scratch_dir()/name and returns the path.
std::filesystem::path write_scratch(const std::string& name, const std::uint8_t* data, std::size_t size);

/// Once per process: input limits small enough that no accepted input allocates more than a few
/// hundred MB (libFuzzer's -malloc_limit_mb then flags any allocation a header alone can force),
/// and logging off.
void init_once();

}  // namespace segoid::fuzz
