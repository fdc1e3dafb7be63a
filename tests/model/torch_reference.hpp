// SPDX-License-Identifier: MIT
// Runs tests/model/torch_reference_step.py (PyTorch's own optimizer and scheduler) in /usr/bin/python3.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

namespace segoid::test {

/// Runs `torch_reference_step.py <arguments>`; fails the test (and returns "") on a non-zero exit.
inline std::string run_torch_reference(const std::string& arguments) {
  const std::string script = (source_dir() / "tests/model/torch_reference_step.py").string();
  std::string output;
  const int status = run_command("/usr/bin/python3 '" + script + "' " + arguments + " 2>&1", &output);
  EXPECT_EQ(status, 0) << output;
  return status == 0 ? output : std::string();
}

/// A path quoted for the shell.
inline std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

}  // namespace segoid::test
