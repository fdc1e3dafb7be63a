// SPDX-License-Identifier: MIT
// Test helper: two models, or two checkpoints, hold bit-identical weights (the resume and
// --init-from tests' promise). The failure message names the first tensor that differs.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "segoid/model/checkpoint.hpp"
#include "segoid/model/state_dict.hpp"

namespace segoid::test {

inline ::testing::AssertionResult same_weights(const torch::nn::Module& a, const torch::nn::Module& b) {
  const auto sa = model::state_dict(a);
  const auto sb = model::state_dict(b);
  if (sa.size() != sb.size()) {
    return ::testing::AssertionFailure() << sa.size() << " vs " << sb.size() << " tensors";
  }
  for (std::size_t i = 0; i < sa.size(); ++i) {
    if (sa[i].first != sb[i].first) {
      return ::testing::AssertionFailure() << "tensor " << i << " is " << sa[i].first << " vs " << sb[i].first;
    }
    if (!torch::equal(sa[i].second.contiguous(), sb[i].second.contiguous())) {
      return ::testing::AssertionFailure() << "tensor " << i << " (" << sa[i].first << ") differs";
    }
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult same_weights(const std::filesystem::path& a, const std::filesystem::path& b) {
  return same_weights(*model::load_checkpoint(a).model, *model::load_checkpoint(b).model);
}

}  // namespace segoid::test
