// SPDX-License-Identifier: MIT
// ReduceLROnPlateau with the semantics of PyTorch's torch.optim.lr_scheduler.ReduceLROnPlateau.
#pragma once

#include <string>

namespace segoid::train {

/// Options of the plateau scheduler: train.yaml's `lr_scheduler:` section (train::LrSchedulerSection
/// extends it), so mode, factor, patience and min_lr default to the Python SegOid's train.yaml
/// (PyTorch's own are factor 0.1, patience 10, min_lr 0); the other fields are no keys and keep PyTorch's.
struct PlateauOptions {
  std::string mode = "min";   ///< "min": lower metric is better; "max": higher is better
  double factor = 0.5;        ///< lr multiplier on a plateau, in (0, 1)
  int patience = 5;           ///< bad epochs tolerated; the reduction happens on bad epoch patience+1
  double threshold = 1e-4;    ///< relative improvement needed ("rel" threshold mode)
  int cooldown = 0;           ///< epochs to wait after a reduction before counting bad epochs
  double min_lr = 1e-5;       ///< the lr never goes below this
  double eps = 1e-8;          ///< reductions smaller than this are skipped
};

/// Where the scheduler is: the values PyTorch's ReduceLROnPlateau keeps (its state_dict's).
struct PlateauState {
  double lr = 0.0;           ///< the rate to use next
  double best = 0.0;         ///< best metric so far; +inf ("min") or -inf ("max") before the first step
  int num_bad_epochs = 0;
  int cooldown_counter = 0;
  int last_epoch = 0;        ///< steps taken
};

/// Tracks one learning rate. step(metric) once per epoch; lr() is the rate to use next.
class ReduceLrOnPlateau {
 public:
  ReduceLrOnPlateau(double initial_lr, PlateauOptions options);

  /// Feeds one epoch's metric (NaN counts as not better). Returns true when the lr was reduced;
  /// then old_lr() holds the previous value. The caller logs the change.
  bool step(double metric);
  double lr() const { return lr_; }
  double old_lr() const { return old_lr_; }
  double best() const { return best_; }
  int num_bad_epochs() const { return num_bad_epochs_; }

  const PlateauOptions& options() const { return options_; }
  PlateauState state() const;
  /// Replaces options and state (from a checkpoint). Throws ModelError for an invalid mode or factor.
  void restore(const PlateauOptions& options, const PlateauState& state);

  /// State as a JSON object string (lr, best, counters, options): SegOid's legacy checkpoints.
  std::string to_json() const;
  /// Restores state written by to_json(). Throws ModelError when malformed.
  void load_json(const std::string& json);

 private:
  bool is_better(double a) const;
  PlateauOptions options_;
  double lr_;
  double old_lr_;
  double best_;
  int num_bad_epochs_ = 0;
  int cooldown_counter_ = 0;
  int last_epoch_ = 0;
};

}  // namespace segoid::train
