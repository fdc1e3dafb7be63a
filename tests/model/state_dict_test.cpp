// SPDX-License-Identifier: MIT
// Strict state-dict loading: exact copy, dtype casting, and complete key reports on mismatch.
#include "segoid/model/state_dict.hpp"

#include <gtest/gtest.h>

#include "segoid/core/error.hpp"
#include "segoid/model/unet.hpp"

namespace segoid::model {
namespace {

struct TinyImpl : torch::nn::Module {
  TinyImpl() {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 2, 3)));
    bn = register_module("bn", torch::nn::BatchNorm2d(2));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(Tiny);

TEST(StateDictTest, ListsInPyTorchOrder) {
  Tiny tiny;
  std::vector<std::string> names;
  for (const auto& [name, tensor] : state_dict(*tiny)) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean",
                                             "bn.running_var", "bn.num_batches_tracked"}));
  EXPECT_EQ(parameter_count(*tiny), 2 * 9 + 2 + 2 + 2);
}

TEST(StateDictTest, CopiesAndCastsValues) {
  Tiny source;
  Tiny target;
  StateDict entries;
  for (const auto& [name, tensor] : state_dict(*source)) {
    entries.emplace_back(name, tensor.is_floating_point() ? tensor.to(torch::kDouble) + 1 : tensor + 7);
  }
  load_state_dict(*target, entries, "mem");
  EXPECT_TRUE(torch::allclose(target->conv->weight, source->conv->weight + 1));
  EXPECT_EQ(target->conv->weight.scalar_type(), torch::kFloat);
  EXPECT_EQ(target->bn->num_batches_tracked.item<int64_t>(), 7);
}

TEST(StateDictTest, ReportsMissingUnexpectedAndMismatchedKeys) {
  Tiny target;
  Tiny source;
  StateDict entries = state_dict(*source);
  entries.erase(entries.begin() + 1);                   // conv.bias missing
  entries.emplace_back("fc.weight", torch::zeros({3}));  // unexpected
  entries[0].second = torch::zeros({2, 1, 5, 5});        // conv.weight wrong shape
  const auto before = target->conv->weight.clone();
  try {
    load_state_dict(*target, entries, "weights.pth");
    FAIL();
  } catch (const ModelError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("\"weights.pth\""), std::string::npos) << what;
    EXPECT_NE(what.find("missing keys [conv.bias]"), std::string::npos) << what;
    EXPECT_NE(what.find("unexpected keys [fc.weight]"), std::string::npos) << what;
    EXPECT_NE(what.find("conv.weight [2, 1, 5, 5] vs model [2, 1, 3, 3]"), std::string::npos) << what;
  }
  EXPECT_TRUE(torch::equal(before, target->conv->weight));  // nothing copied on failure
}

}  // namespace
}  // namespace segoid::model
