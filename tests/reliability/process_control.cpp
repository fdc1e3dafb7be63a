// SPDX-License-Identifier: MIT
// Child processes, tiny training configs and tmpfs mounts for the reliability tests.
#include "process_control.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace segoid::test {
namespace fs = std::filesystem;

Child::Child(const std::string& command, const fs::path& log) {
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    const std::string exec_command = "exec " + command;
    ::execl("/bin/sh", "sh", "-c", exec_command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
}

Child::~Child() { kill_now(); }

bool Child::wait_for(double seconds) {
  if (done_ || pid_ <= 0) return true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      done_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Child::kill_now() {
  if (done_ || pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  done_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tiny_train_yaml(const fs::path& train_manifest, const fs::path& val_manifest, const fs::path& run_dir,
                            int epochs) {
  return fmt::format(R"(data:
  train_manifest: {}
  val_manifest: {}
dataset:
  patch_size: 64
  patches_per_image: 2
  positive_ratio: 0.5
  augmentation:
    enabled: true
model:
  encoder: resnet18
  encoder_weights: null
training:
  epochs: {}
  batch_size: 2
  learning_rate: 0.001
  num_workers: 1
  memory_format: channels_last  # no per-machine probe: every launch runs at the same pace
early_stopping:
  enabled: false
lr_scheduler:
  enabled: true
  patience: 1
checkpointing:
  save_best: true
  save_periodic: true
  periodic_interval: 2
  save_final: true
tensorboard:
  enabled: false
output:
  run_dir: {}
seed: 7
threads: 1
device: cpu
)",
                     train_manifest.string(), val_manifest.string(), epochs, run_dir.string());
}

fs::path fast_temp_root() { return fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path(); }

TmpfsMount::TmpfsMount(const fs::path& dir, std::size_t bytes) : dir_(dir) {
  fs::create_directories(dir_);
  if (::geteuid() != 0) {
    why_not_ = "not running as root";
    return;
  }
  const std::string options = "size=" + std::to_string(bytes);
  if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
    why_not_ = std::string("mount tmpfs refused: ") + std::strerror(errno);
    return;
  }
  mounted_ = true;
}

TmpfsMount::~TmpfsMount() {
  if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
}

void fill_disk(const fs::path& dir, std::size_t leave) {
  struct statvfs st {};
  ::statvfs(dir.c_str(), &st);
  const std::size_t free_bytes = static_cast<std::size_t>(st.f_bavail) * st.f_frsize;
  std::ofstream filler(dir / "filler", std::ios::binary | std::ios::app);
  const std::vector<char> block(4096, 'x');
  for (std::size_t written = 0; written + leave + block.size() <= free_bytes; written += block.size()) {
    filler.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
}

std::vector<fs::path> temporary_files(const fs::path& dir) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().find(".tmp.") != std::string::npos) found.push_back(it->path());
  }
  return found;
}

}  // namespace segoid::test
