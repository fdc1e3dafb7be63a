// SPDX-License-Identifier: MIT
// Shared helpers for tests.
#include "test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <random>

namespace segoid::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() /
          ("segoid-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path source_dir() { return fs::path(SEGOID_SOURCE_DIR); }

fs::path shared_real_data_dir() {
  const fs::path dir = source_dir().parent_path() / "shared" / "data" / "real";
  return fs::is_directory(dir) ? dir : fs::path();
}

fs::path segoid_binary() { return fs::path(SEGOID_BINARY); }

int run_command(const std::string& command, std::string* output) {
  const std::string full = command + " 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  std::string text;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool python_has(const std::string& modules) {
  std::string imports;
  std::string module;
  for (char c : modules + " ") {
    if (c == ' ') {
      if (!module.empty()) imports += "import " + module + ";";
      module.clear();
    } else {
      module += c;
    }
  }
  return run_command("/usr/bin/python3 -c '" + imports + "' >/dev/null 2>&1") == 0;
}

}  // namespace segoid::test
