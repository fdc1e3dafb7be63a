// SPDX-License-Identifier: MIT
// Atomic file replacement through a temporary file and rename(2).
#include "segoid/core/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
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
  // On disk before the rename, so that after a power cut the target is the old or the new file,
  // never an empty one (and a late ENOSPC/EIO from delayed allocation is reported here).
  const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw IoError("cannot write \"" + target_.string() + "\": " + std::strerror(error));
  }
  ::close(fd);
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

int remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  int removed = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::size_t at = name.rfind(".tmp.");
    if (at == std::string::npos || at + 5 >= name.size()) continue;
    const std::string pid_text = name.substr(at + 5);
    if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) continue;
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // its writer may be alive
    std::error_code remove_ec;
    if (fs::remove(it->path(), remove_ec)) ++removed;
  }
  return removed;
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
