// SPDX-License-Identifier: MIT
// Dynamic loss scaling for float16 mixed precision, as torch.cuda.amp.GradScaler (train-internal, torch).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace segoid::train {

/// torch.cuda.amp.GradScaler's defaults.
struct GradScalerOptions {
  double init_scale = 65536.0;  ///< 2^16
  double growth_factor = 2.0;   ///< scale *= this after growth_interval clean steps
  double backoff_factor = 0.5;  ///< scale *= this after a step with inf/nan gradients
  int growth_interval = 2000;   ///< clean steps before growing
};

/// Multiplies the loss by a scale before backward, so small float16 gradients do not underflow;
/// divides the gradients back before the optimizer step, and skips that step when any gradient
/// is inf or nan (the scale was too large), backing the scale off. Per step:
/// `scale(loss).backward(); step(optimizer); update();`. Works on any device (tests run on CPU).
class GradScaler {
 public:
  explicit GradScaler(GradScalerOptions options = {});
  /// loss * scale.
  torch::Tensor scale(const torch::Tensor& loss) const;
  /// Divides the gradients of `optimizer`'s parameters by the scale (once per step) and records
  /// whether all are finite. Call it before clipping gradients; step() calls it if not done.
  void unscale(torch::optim::Optimizer& optimizer);
  /// optimizer.step() unless the step's gradients held inf/nan. Returns whether it stepped.
  bool step(torch::optim::Optimizer& optimizer);
  /// Adjusts the scale after a step: backoff on inf/nan, growth after growth_interval clean steps.
  void update();
  double current_scale() const { return scale_; }
  int growth_tracker() const { return growth_tracker_; }
  /// Steps skipped so far because of inf/nan gradients.
  long skipped_steps() const { return skipped_; }
  /// The state (scale, growth tracker, skipped steps) as JSON text, and back, for checkpoints.
  std::string to_json() const;
  void load_json(const std::string& json);

 private:
  GradScalerOptions options_;
  double scale_;
  int growth_tracker_ = 0;
  long skipped_ = 0;
  bool unscaled_ = false;   ///< unscale() already ran this step
  bool found_inf_ = false;  ///< this step's gradients held inf/nan
};

}  // namespace segoid::train
