// SPDX-License-Identifier: MIT
// Python interop: a Python-written smp checkpoint predicts as in Python; exports load strict in Python
// (the commands: model_commands_test.cpp).
#include "segoid/model/python_checkpoint.hpp"

#include <gtest/gtest.h>

#include "python_fixtures.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint_interop.hpp"

namespace segoid::model {
namespace {

using segoid::test::has_reference_fixtures;
using segoid::test::read_f32;
using segoid::test::torch_fixture_dir;

constexpr float kForwardTolerance = 1e-4f;

torch::Tensor tensor_from(const std::vector<float>& values, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat).clone();
}

/// C++ eval forward of a loaded checkpoint on the fixture input.
torch::Tensor predict(const std::filesystem::path& checkpoint) {
  const auto dir = torch_fixture_dir();
  LoadedCheckpoint loaded = load_checkpoint(checkpoint);
  loaded.model->eval();
  torch::NoGradGuard no_grad;
  return loaded.model->forward(tensor_from(read_f32(dir / "input_2x1x64x96.f32"), {2, 1, 64, 96}));
}

TEST(PythonCheckpointTest, ForwardMatchesPythonReference) {
  if (!has_reference_fixtures()) GTEST_SKIP() << "needs /usr/bin/python3 torch and ../shared/reference";
  const auto dir = torch_fixture_dir();
  ASSERT_EQ(checkpoint_kind(dir / "python_segoid.pth"), CheckpointKind::kPython);
  const auto expected = tensor_from(read_f32(dir / "output_2x1x64x96.f32"), {2, 1, 64, 96});
  const auto actual = predict(dir / "python_segoid.pth");
  EXPECT_LT((actual - expected).abs().max().item<float>(), kForwardTolerance);
  EXPECT_GT(expected.abs().max().item<float>(), 0.01f);  // not a trivially zero output
}

TEST(PythonCheckpointTest, DataParallelPrefixIsDropped) {
  if (!has_reference_fixtures()) GTEST_SKIP() << "needs /usr/bin/python3 torch and ../shared/reference";
  const auto dir = torch_fixture_dir();
  const auto expected = tensor_from(read_f32(dir / "output_2x1x64x96.f32"), {2, 1, 64, 96});
  EXPECT_LT((predict(dir / "data_parallel.pth") - expected).abs().max().item<float>(), kForwardTolerance);
  // It holds no optimizer state: no resuming from it.
  Unet model;
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  try {
    load_checkpoint(dir / "data_parallel.pth", torch::kCPU, &optimizer);
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("no optimizer state"), std::string::npos) << e.what();
  }
}

TEST(PythonCheckpointTest, RestoresPythonsAdamWStateAndSchedule) {
  if (!has_reference_fixtures()) GTEST_SKIP() << "needs /usr/bin/python3 torch and ../shared/reference";
  const auto path = torch_fixture_dir() / "python_segoid.pth";
  // The file's own parameter order (its state dict without buffers) is ours: optimizer indices agree.
  Unet reference;
  std::vector<std::string> ours;
  for (const auto& p : reference->named_parameters()) ours.push_back(p.key());
  std::vector<std::string> theirs;
  const TorchSaveCheckpoint file = read_torch_save_checkpoint(path);
  for (const auto& [name, tensor] : file.model_state_dict) {
    if (name.find("running_") == std::string::npos && name.find("num_batches_tracked") == std::string::npos) {
      theirs.push_back(name);
    }
  }
  EXPECT_EQ(theirs, ours);

  torch::optim::AdamW optimizer(reference->parameters(), torch::optim::AdamWOptions(0.5).weight_decay(0.0));
  const LoadedCheckpoint loaded = load_checkpoint(path, torch::kCPU, &optimizer);
  const auto& options = static_cast<const torch::optim::AdamWOptions&>(optimizer.param_groups()[0].options());
  EXPECT_DOUBLE_EQ(options.lr(), 1e-3);  // Python's AdamW defaults, saved in its param group
  EXPECT_DOUBLE_EQ(options.weight_decay(), 1e-2);
  const auto saved_state = file.optimizer_state.toGenericDict().at(c10::IValue(std::string("state"))).toGenericDict();
  const auto first_saved = saved_state.at(c10::IValue(int64_t{0})).toGenericDict();
  const torch::Tensor first = loaded.model->parameters()[0];
  const auto& state = static_cast<const torch::optim::AdamWParamState&>(
      *optimizer.state().at(c10::guts::to_string(first.unsafeGetTensorImpl())));
  EXPECT_EQ(state.step(), 1);
  EXPECT_TRUE(state.exp_avg().equal(first_saved.at(c10::IValue(std::string("exp_avg"))).toTensor()));
  EXPECT_EQ(loaded.scheduler_state.toGenericDict().at(c10::IValue(std::string("last_epoch"))).toInt(), 1);
}

TEST(PythonCheckpointTest, ReadsInfoFromPythonCheckpoint) {
  if (!has_reference_fixtures()) GTEST_SKIP() << "needs /usr/bin/python3 torch and ../shared/reference";
  const TorchSaveCheckpoint checkpoint = read_torch_save_checkpoint(torch_fixture_dir() / "python_segoid.pth");
  EXPECT_EQ(checkpoint.model_state_dict.size(), 182u);
  EXPECT_EQ(checkpoint.info.model.encoder, "resnet18");
  EXPECT_EQ(checkpoint.info.model.in_channels, 1);
  EXPECT_EQ(checkpoint.info.model.classes, 1);
  EXPECT_EQ(io::to_string(checkpoint.info.model.normalization), "range");
  EXPECT_EQ(checkpoint.info.epoch, 10);  // Python's "epoch": 9 is the index of the 10th, last finished epoch
  EXPECT_EQ(checkpoint.info.best_val_dice, 0.8125);
  EXPECT_EQ(checkpoint.info.history_json, R"({"train_loss":[0.5,0.25],"val_dice":[0.5,0.8125]})");
}

TEST(PythonCheckpointTest, ImportExportRoundTripLoadsStrictInPython) {
  if (!has_reference_fixtures()) GTEST_SKIP() << "needs /usr/bin/python3 torch and ../shared/reference";
  const auto dir = torch_fixture_dir();
  segoid::test::TempDir tmp;
  import_checkpoint(dir / "python_segoid.pth", tmp / "imported.pt");
  EXPECT_EQ(checkpoint_kind(tmp / "imported.pt"), CheckpointKind::kSegoid);
  const auto expected = tensor_from(read_f32(dir / "output_2x1x64x96.f32"), {2, 1, 64, 96});
  EXPECT_LT((predict(tmp / "imported.pt") - expected).abs().max().item<float>(), kForwardTolerance);

  export_checkpoint(tmp / "imported.pt", tmp / "exported.pth");
  const auto reference = segoid::test::source_dir().parent_path() / "shared" / "reference";
  std::string output;
  const int status = segoid::test::run_command(
      "/usr/bin/python3 '" + (segoid::test::source_dir() / "tests/model/check_exported_checkpoint.py").string() +
          "' '" + (tmp / "exported.pth").string() + "' '" + reference.string() + "' '" +
          (dir / "input_2x1x64x96.f32").string() + "' '" + (dir / "output_2x1x64x96.f32").string() + "' 2 1 64 96",
      &output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("epoch 9 best_val_dice 0.8125"), std::string::npos) << output;
  const auto at = output.find("max_abs_diff ");
  ASSERT_NE(at, std::string::npos) << output;
  EXPECT_LT(std::stod(output.substr(at + 13)), 1e-5) << output;

  // The export reads back through our own reader with the original info.
  const CheckpointInfo info = read_checkpoint_info(tmp / "exported.pth");
  EXPECT_EQ(info.epoch, 10);
  EXPECT_EQ(io::to_string(info.model.normalization), "range");
}

TEST(PythonCheckpointTest, RejectsNonCheckpointDict) {
  const auto dir = torch_fixture_dir();
  if (dir.empty()) GTEST_SKIP() << "/usr/bin/python3 lacks torch";
  try {
    read_torch_save_checkpoint(dir / "nested.pth");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("nested.pth"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::model
