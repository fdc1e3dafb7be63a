// SPDX-License-Identifier: MIT
// The plateau schedule and history in PyTorch's / the Python SegOid's layout: Python's real
// ReduceLROnPlateau continues our state step for step; Python's history reads back as records.
#include "../../src/train/python_state.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "../../src/train/train_run_dir.hpp"
#include "model/torch_reference.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "test_support.hpp"

namespace segoid::train {
namespace {

PlateauOptions plateau_options() {
  PlateauOptions o;
  o.mode = "max";
  o.factor = 0.5;
  o.patience = 1;
  o.cooldown = 1;
  o.min_lr = 2e-4;
  return o;
}

void expect_same_state(const PlateauState& a, const PlateauState& b) {
  EXPECT_EQ(a.lr, b.lr);
  EXPECT_EQ(a.best, b.best);
  EXPECT_EQ(a.num_bad_epochs, b.num_bad_epochs);
  EXPECT_EQ(a.cooldown_counter, b.cooldown_counter);
  EXPECT_EQ(a.last_epoch, b.last_epoch);
}

TEST(PythonStateTest, PythonReduceLROnPlateauContinuesOurSchedule) {
  if (!test::python_has("torch")) GTEST_SKIP() << "/usr/bin/python3 lacks torch";
  test::TempDir dir;
  ReduceLrOnPlateau ours(1e-3, plateau_options());
  ours.step(0.5);
  ours.step(0.4);  // one bad epoch: the next bad one halves the rate
  model::Unet net;
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(ours.lr()));
  model::CheckpointInfo info;
  model::save_checkpoint(dir / "ours.pth", net, info, {&optimizer, plateau_state_dict(ours)});

  // Read back here: the same state.
  const model::LoadedCheckpoint loaded = model::load_checkpoint(dir / "ours.pth");
  ReduceLrOnPlateau restored(1.0, PlateauOptions{});
  load_plateau_state_dict(restored, loaded.scheduler_state, ours.lr(), "ours.pth");
  expect_same_state(restored.state(), ours.state());
  EXPECT_EQ(restored.options().patience, 1);

  // And in Python: a reduction, the cooldown, a new best, then reductions down to min_lr.
  const std::vector<double> metrics = {0.3, 0.3, 0.6, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
  std::string arguments = "plateau " + test::quoted(dir / "ours.pth");
  for (const double m : metrics) arguments += " " + std::to_string(m);
  std::istringstream python(test::run_torch_reference(arguments));
  int reductions = 0;
  for (const double m : metrics) {
    reductions += ours.step(m);
    PlateauState expected;
    ASSERT_TRUE(python >> expected.lr >> expected.best >> expected.num_bad_epochs >> expected.cooldown_counter >>
                expected.last_epoch);
    SCOPED_TRACE("metric step " + std::to_string(ours.state().last_epoch));
    expect_same_state(ours.state(), expected);
  }
  EXPECT_EQ(reductions, 3);  // 1e-3 -> 5e-4 -> 2.5e-4 -> 2e-4 (min_lr)
  EXPECT_EQ(ours.lr(), 2e-4);
}

TEST(PythonStateTest, RefusesAnAbsThresholdAndNamesTheFile) {
  c10::impl::GenericDict d = plateau_state_dict(ReduceLrOnPlateau(1e-3, plateau_options())).toGenericDict();
  d.insert_or_assign(std::string("threshold_mode"), std::string("abs"));
  ReduceLrOnPlateau s(1e-3, PlateauOptions{});
  try {
    load_plateau_state_dict(s, d, 1e-3, "py.pth");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("py.pth"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("abs"), std::string::npos) << e.what();
  }
}

TEST(PythonStateTest, HistoryRoundTripsThroughThePythonLayout) {
  std::vector<EpochRecord> history(2);
  for (int i = 0; i < 2; ++i) {
    history[i].epoch = i + 1;
    history[i].lr = 1e-3 / (i + 1);
    history[i].train.loss = 0.5 - 0.1 * i;
    history[i].train.dice = 0.2 + 0.1 * i;
    history[i].val.loss = 0.6 - 0.1 * i;
    history[i].val.dice = 0.3 + 0.1 * i;
  }
  const c10::IValue python = python_history(history);
  // As the Python SegOid's dict reads back through the checkpoint reader: {name: [values]} JSON.
  std::string json = "{";
  for (const auto& item : python.toGenericDict()) {
    json += (json.size() > 1 ? ",\"" : "\"") + item.key().toStringRef() + "\":[";
    const auto values = item.value().toListRef();
    for (size_t i = 0; i < values.size(); ++i) json += (i ? "," : "") + std::to_string(values[i].toDouble());
    json += "]";
  }
  json += "}";
  EXPECT_EQ(json.rfind("{\"train_loss\":", 0), 0u) << json;
  const std::vector<EpochRecord> back = history_from_json(json);
  ASSERT_EQ(back.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(back[i].epoch, i + 1);
    EXPECT_NEAR(back[i].lr, history[i].lr, 1e-6);
    EXPECT_NEAR(back[i].train.loss, history[i].train.loss, 1e-6);
    EXPECT_NEAR(back[i].train.dice, history[i].train.dice, 1e-6);
    EXPECT_NEAR(back[i].val.loss, history[i].val.loss, 1e-6);
    EXPECT_NEAR(back[i].val.dice, history[i].val.dice, 1e-6);
  }
}

}  // namespace
}  // namespace segoid::train
