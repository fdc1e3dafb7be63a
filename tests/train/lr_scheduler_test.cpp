// SPDX-License-Identifier: MIT
// ReduceLROnPlateau against PyTorch's own sequences (fixture), early stopping against hand-made ones.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "segoid/train/early_stopping.hpp"
#include "segoid/train/lr_scheduler.hpp"
#include "test_support.hpp"

namespace segoid::train {
namespace {

std::vector<double> parse_numbers(std::istringstream& in) {
  std::vector<double> values;
  std::string token;
  while (in >> token) values.push_back(std::strtod(token.c_str(), nullptr));  // strtod reads "nan"
  return values;
}

TEST(LrSchedulerTest, MatchesPyTorchReduceLrOnPlateau) {
  // Produced once by tests/train/make_plateau_fixture.py with Debian's torch.
  std::ifstream file(test::source_dir() / "tests/train/fixtures/plateau_lr.txt");
  ASSERT_TRUE(file) << "missing fixture";
  std::string line;
  std::vector<double> metrics;
  int cases = 0;
  while (std::getline(file, line)) {
    std::istringstream in(line);
    std::string head;
    in >> head;
    if (head == "metrics") {
      metrics = parse_numbers(in);
    } else if (head == "case") {
      PlateauOptions options;
      double lr0 = 0;
      std::string bar;
      in >> options.mode >> options.factor >> options.patience >> options.min_lr >> lr0 >> bar;
      const std::vector<double> expected = parse_numbers(in);
      ASSERT_EQ(expected.size(), metrics.size());
      ReduceLrOnPlateau scheduler(lr0, options);
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        const double before = scheduler.lr();
        const bool reduced = scheduler.step(metrics[i]);
        EXPECT_DOUBLE_EQ(scheduler.lr(), expected[i]) << line.substr(0, 40) << " step " << i;
        EXPECT_EQ(reduced, scheduler.lr() != before);
      }
      ++cases;
    }
  }
  EXPECT_EQ(cases, 4);
}

TEST(LrSchedulerTest, JsonStateResumesTheSameSequence) {
  PlateauOptions options;
  options.factor = 0.5;
  options.patience = 1;
  ReduceLrOnPlateau full(1e-3, options);
  ReduceLrOnPlateau first(1e-3, options);
  const std::vector<double> metrics = {1.0, 1.0, 0.5, 0.6, 0.7, 0.7, 0.4, 0.45, 0.46};
  for (std::size_t i = 0; i < 4; ++i) {
    full.step(metrics[i]);
    first.step(metrics[i]);
  }
  ReduceLrOnPlateau resumed(42.0, PlateauOptions{});
  resumed.load_json(first.to_json());
  for (std::size_t i = 4; i < metrics.size(); ++i) {
    full.step(metrics[i]);
    resumed.step(metrics[i]);
    EXPECT_DOUBLE_EQ(resumed.lr(), full.lr()) << i;
  }
  EXPECT_EQ(resumed.to_json(), full.to_json());
}

TEST(EarlyStoppingTest, StopsAfterPatienceEpochsWithoutImprovement) {
  EarlyStopping stop(/*patience=*/3, /*min_delta=*/0.01);
  // best 0.5 -> 0.6 (improves) -> 0.605 (within min_delta: bad 1) -> 0.609 (bad 2)
  // -> 0.7 (improves, reset) -> 0.7, 0.705, 0.709 (bad 1, 2, 3: stop).
  const std::vector<double> scores = {0.5, 0.6, 0.605, 0.609, 0.7, 0.7, 0.705, 0.709};
  const std::vector<int> counters = {0, 0, 1, 2, 0, 1, 2, 3};
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const bool stop_now = stop.step(scores[i]);
    EXPECT_EQ(stop.counter(), counters[i]) << i;
    EXPECT_EQ(stop_now, i + 1 == scores.size()) << i;
  }
  EXPECT_DOUBLE_EQ(stop.best(), 0.7);
  EarlyStopping restored(1, 0.0);
  restored.load_json(stop.to_json());
  EXPECT_TRUE(restored.should_stop());
  EXPECT_EQ(restored.to_json(), stop.to_json());
}

}  // namespace
}  // namespace segoid::train
