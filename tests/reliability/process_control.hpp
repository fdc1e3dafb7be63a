// SPDX-License-Identifier: MIT
// Test helpers for the reliability suite: child processes killed at chosen moments, tiny runs, tmpfs.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace segoid::test {

/// A child running `command` through /bin/sh (exec'd, so signals reach the program itself), with
/// stdout and stderr appended to `log`.
class Child {
 public:
  Child(const std::string& command, const std::filesystem::path& log);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// Waits up to `seconds`; true when the child exited by then (status in exit_code()).
  bool wait_for(double seconds);
  /// SIGKILL now (if still running) and reap it.
  void kill_now();
  /// Exit status after wait_for returned true; -1 when killed by a signal.
  int exit_code() const { return exit_code_; }

 private:
  pid_t pid_ = -1;
  bool done_ = false;
  int exit_code_ = -1;
};

/// A train.yaml for a tiny CPU run (ResNet18 U-Net, 64 px patches, 1 thread) on the manifests.
std::string tiny_train_yaml(const std::filesystem::path& train_manifest, const std::filesystem::path& val_manifest,
                            const std::filesystem::path& run_dir, int epochs);

/// Scratch space for heavy tests: under /dev/shm when it exists (checkpoints are ~170 MB each).
std::filesystem::path fast_temp_root();

/// A tmpfs of `bytes` mounted at `dir` (created) while this object lives. mounted() is false when
/// not running as root or when mount(2) is refused (the test then skips).
class TmpfsMount {
 public:
  TmpfsMount(const std::filesystem::path& dir, std::size_t bytes);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& why_not() const { return why_not_; }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string why_not_;
};

/// Fills the file system holding `dir` with a file `dir`/filler so that about `leave` bytes stay free.
void fill_disk(const std::filesystem::path& dir, std::size_t leave);

/// Files under `dir` (recursive) whose names mark an unfinished atomic write (".tmp.").
std::vector<std::filesystem::path> temporary_files(const std::filesystem::path& dir);

}  // namespace segoid::test
