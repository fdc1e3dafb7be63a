// SPDX-License-Identifier: MIT
// SIGINT to an atomic flag.
#include "interrupt.hpp"

#include <csignal>

namespace segoid::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) {
  g_interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted.store(false);
  std::signal(SIGINT, on_sigint);
}

InterruptGuard::~InterruptGuard() { std::signal(SIGINT, SIG_DFL); }

const std::atomic<bool>* InterruptGuard::flag() const { return &g_interrupted; }

}  // namespace segoid::cli
