// SPDX-License-Identifier: MIT
// Scratch folder and one-time set-up for the libFuzzer targets.
#include "fuzz_support.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "segoid/core/input_limits.hpp"

namespace segoid::fuzz {
namespace fs = std::filesystem;

const fs::path& scratch_dir() {
  static const fs::path dir = [] {
    const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path d = base / ("segoid-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(scratch_dir(), ec);
    });
    return d;
  }();
  return dir;
}

fs::path write_scratch(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const fs::path path = scratch_dir() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

void init_once() {
  static const bool done = [] {
    spdlog::set_level(spdlog::level::off);
    core::InputLimits limits;
    limits.max_image_pixels = std::uint64_t{1} << 22;   // 4 Mpx x samples: <= 64 MB as float
    limits.max_record_bytes = std::uint64_t{64} << 20;  // 64 MiB per archive record / tensor
    core::set_input_limits(limits);
    return true;
  }();
  (void)done;
}

}  // namespace segoid::fuzz
