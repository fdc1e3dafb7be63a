// SPDX-License-Identifier: MIT
// Early stopping on a metric to maximise (validation Dice), as the Python SegOid's EarlyStopping.
#pragma once

#include <string>

namespace segoid::train {

/// Counts epochs without improvement of a maximised score. The first score sets the best;
/// a later score improves when it exceeds best + min_delta. Stops after `patience` epochs in a
/// row without improvement.
class EarlyStopping {
 public:
  EarlyStopping(int patience, double min_delta);

  /// Feeds one epoch's score; returns true when training should stop now (logged by the caller).
  bool step(double score);
  bool should_stop() const { return stopped_; }
  int counter() const { return counter_; }
  bool has_best() const { return has_best_; }
  double best() const { return best_; }

  /// State as a JSON object string, for checkpoints.
  std::string to_json() const;
  /// Restores state from to_json(). Throws ModelError when malformed.
  void load_json(const std::string& json);

 private:
  int patience_;
  double min_delta_;
  int counter_ = 0;
  bool has_best_ = false;
  double best_ = 0.0;
  bool stopped_ = false;
};

}  // namespace segoid::train
