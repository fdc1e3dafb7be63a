// SPDX-License-Identifier: MIT
// Atomic file replacement through a temporary file and rename(2).
#include "segoid/core/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "segoid/core/error.hpp"

namespace segoid::core {
namespace fs = std::filesystem;

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  if (target_.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target_.parent_path(), ec);
    if (ec) {
      throw IoError("cannot create folder \"" + target_.parent_path().string() + "\": " + ec.message());
    }
  }
  // The pid keeps two processes writing the same target from sharing a temporary file.
  temp_ = target_;
  temp_ += ".tmp." + std::to_string(::getpid());
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    if (out_.is_open()) out_.close();
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

std::ofstream& AtomicFile::stream() {
  if (!out_.is_open()) {
    out_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!out_) {
      throw IoError("cannot write \"" + temp_.string() + "\": " + std::strerror(errno));
    }
  }
  return out_;
}

void AtomicFile::commit() {
  if (out_.is_open()) {
    out_.flush();
    const bool ok = static_cast<bool>(out_);
    out_.close();
    if (!ok) throw IoError("cannot write \"" + target_.string() + "\": write failed (disk full?)");
  }
  if (!fs::exists(temp_)) {
    throw IoError("cannot write \"" + target_.string() + "\": nothing was written");
  }
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec) throw IoError("cannot move \"" + temp_.string() + "\" to \"" + target_.string() + "\": " + ec.message());
  committed_ = true;
}

void write_file_atomic(const fs::path& path, const std::string& content) {
  AtomicFile file(path);
  file.stream() << content;
  file.commit();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!fs::exists(path)) throw IoError("cannot read \"" + path.string() + "\": no such file");
    throw IoError("cannot read \"" + path.string() + "\": " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace segoid::core
