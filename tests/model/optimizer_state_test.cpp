// SPDX-License-Identifier: MIT
// AdamW state in PyTorch's layout: Python's real torch.optim.AdamW loads ours and takes the same next step.
#include "segoid/model/optimizer_state.hpp"

#include <gtest/gtest.h>

#include <iostream>

#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/torch_pickle.hpp"
#include "test_support.hpp"
#include "torch_reference.hpp"

namespace segoid::model {
namespace {

using torch::optim::AdamW;
using torch::optim::AdamWOptions;
using torch::optim::AdamWParamState;

/// Float32 rounding of two implementations of the same update (PyTorch's and LibTorch's kernels).
constexpr float kStepTolerance = 1e-6f;

torch::Tensor loss_of(Unet& model, const torch::Tensor& input) { return model->forward(input).pow(2).mean(); }

const AdamWParamState& state_of(const AdamW& optimizer, const torch::Tensor& p) {
  return static_cast<const AdamWParamState&>(*optimizer.state().at(c10::guts::to_string(p.unsafeGetTensorImpl())));
}

TEST(OptimizerStateTest, PythonAdamWTakesTheSameNextStep) {
  if (!test::python_has("torch")) GTEST_SKIP() << "/usr/bin/python3 lacks torch";
  test::TempDir dir;
  torch::manual_seed(21);
  Unet model;
  AdamW optimizer(model->parameters(), AdamWOptions(2e-3).weight_decay(1e-2));
  const torch::Tensor input = torch::randn({2, 1, 64, 64});
  for (int step = 0; step < 2; ++step) {
    optimizer.zero_grad();
    loss_of(model, input).backward();
    optimizer.step();
  }
  CheckpointInfo info;
  info.epoch = 1;
  save_checkpoint(dir / "ours.pth", model, info, {&optimizer});

  // The third step's gradients, handed to Python in parameter order.
  optimizer.zero_grad();
  loss_of(model, input).backward();
  c10::impl::GenericDict grads(c10::StringType::get(), c10::TensorType::get());
  std::vector<torch::Tensor> before;
  for (const auto& p : model->named_parameters()) {
    grads.insert(p.key(), p.value().grad().clone());
    before.push_back(p.value().detach().clone());
  }
  write_torch_file(dir / "grads.pth", grads);
  const std::string python_said = test::run_torch_reference(
      "adamw " + test::quoted(dir / "ours.pth") + " " + test::quoted(dir / "grads.pth") + " " + test::quoted(dir / "python.pth"));
  ASSERT_EQ(python_said, "step 3\n") << "Python's AdamW took our two steps' state";
  optimizer.step();

  const StateDict python = read_state_dict(dir / "python.pth");
  const auto ours = model->named_parameters();
  ASSERT_EQ(python.size(), ours.size());
  float max_difference = 0.0f;
  float max_update = 0.0f;
  for (size_t i = 0; i < python.size(); ++i) {
    ASSERT_EQ(python[i].first, ours[i].key());
    max_difference = std::max(max_difference, (python[i].second - ours[i].value()).abs().max().item<float>());
    max_update = std::max(max_update, (ours[i].value() - before[i]).abs().max().item<float>());
  }
  std::cout << "AdamW step 3, PyTorch vs SegOid: max |difference| " << max_difference << ", max |update| "
            << max_update << "\n";
  EXPECT_LT(max_difference, kStepTolerance);
  EXPECT_GT(max_update, 100 * kStepTolerance) << "the step must move the weights for the comparison to mean anything";
}

TEST(OptimizerStateTest, RestoresByNameAndRefusesWhatDoesNotFit) {
  torch::manual_seed(3);
  Unet model;
  AdamW optimizer(model->parameters(), AdamWOptions(1e-3));
  optimizer.zero_grad();
  loss_of(model, torch::randn({2, 1, 64, 64})).backward();
  optimizer.step();
  const c10::IValue saved = adamw_state_dict(optimizer);

  std::vector<std::string> names;
  for (const auto& p : model->named_parameters()) names.push_back(p.key());
  const auto params = model->parameters();
  size_t i = 0;  // two neighbours of one shape (a BatchNorm's weight and bias)
  while (i + 1 < params.size() && params[i].sizes() != params[i + 1].sizes()) ++i;
  ASSERT_LT(i + 1, params.size());
  // The saved numbering lists them the other way round: their state follows the names.
  std::vector<std::string> swapped = names;
  std::swap(swapped[i], swapped[i + 1]);
  Unet other;
  AdamW restored(other->parameters(), AdamWOptions(5e-1));
  load_adamw_state_dict(restored, saved, swapped, names, "test");
  const auto other_params = other->parameters();
  EXPECT_DOUBLE_EQ(static_cast<const AdamWOptions&>(restored.param_groups()[0].options()).lr(), 1e-3);
  EXPECT_TRUE(state_of(restored, other_params[i + 1]).exp_avg().equal(state_of(optimizer, params[i]).exp_avg()));
  EXPECT_TRUE(state_of(restored, other_params[i]).exp_avg().equal(state_of(optimizer, params[i + 1]).exp_avg()));
  EXPECT_FALSE(state_of(optimizer, params[i]).exp_avg().equal(state_of(optimizer, params[i + 1]).exp_avg()));
  EXPECT_TRUE(state_of(restored, other_params[0]).exp_avg_sq().equal(state_of(optimizer, params[0]).exp_avg_sq()));
  EXPECT_EQ(state_of(restored, other_params[0]).step(), 1);

  // A model with another head has parameters of other shapes: named in the error.
  UnetOptions two_classes;
  two_classes.classes = 2;
  Unet wider(two_classes);
  AdamW wrong(wider->parameters(), AdamWOptions(1e-3));
  try {
    load_adamw_state_dict(wrong, saved, names, names, "ckpt.pth");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("ckpt.pth"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("shape"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::model
