// SPDX-License-Identifier: MIT
// Loss and validation Dice per epoch as a PLplot line figure.
#include "segoid/pipeline/training_curve.hpp"

#include "segoid/report/plots.hpp"

namespace segoid::pipeline {

void plot_training_curve(const std::vector<train::EpochRecord>& history, const std::filesystem::path& png,
                         const std::string& title, int width, int height) {
  std::vector<double> epochs, train_loss, val_loss, val_dice;
  for (const auto& e : history) {
    epochs.push_back(e.epoch);
    train_loss.push_back(e.train.loss);
    val_loss.push_back(e.val.loss);
    val_dice.push_back(e.val.dice);
  }
  report::plot_lines(epochs, {{"train loss", train_loss}, {"val loss", val_loss}, {"val Dice", val_dice}}, png,
                     report::PlotSpec{title, "epoch", "loss (BCE + Dice) / Dice", "", width, height});
}

}  // namespace segoid::pipeline
