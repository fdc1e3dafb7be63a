// SPDX-License-Identifier: MIT
// Ctrl-C for long commands: the first SIGINT sets a flag the library polls (finish the step, save
// a resumable state); a second one ends the process at once.
#pragma once

#include <atomic>

namespace segoid::cli {

/// Installs the SIGINT handler for its lifetime and restores the default afterwards.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  /// The flag to hand to library options (TrainOptions::interrupt and the like).
  const std::atomic<bool>* flag() const;
};

/// Exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
constexpr int kInterruptedExitCode = 130;

}  // namespace segoid::cli
