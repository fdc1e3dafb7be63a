// SPDX-License-Identifier: MIT
// GradScaler: dynamic loss scaling with inf/nan step skipping.
#include "grad_scaler.hpp"

#include <nlohmann/json.hpp>

#include "segoid/core/error.hpp"

namespace segoid::train {

GradScaler::GradScaler(GradScalerOptions options) : options_(options), scale_(options.init_scale) {
  SEGOID_CHECK(options_.init_scale > 0 && options_.growth_factor > 1 && options_.backoff_factor > 0 &&
                   options_.backoff_factor < 1 && options_.growth_interval > 0,
               "GradScaler: needs init_scale > 0, growth_factor > 1, 0 < backoff_factor < 1, growth_interval > 0");
}

torch::Tensor GradScaler::scale(const torch::Tensor& loss) const { return loss * scale_; }

void GradScaler::unscale(torch::optim::Optimizer& optimizer) {
  if (unscaled_) return;
  unscaled_ = true;
  found_inf_ = false;
  torch::NoGradGuard no_grad;
  const double inverse = 1.0 / scale_;
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      torch::Tensor grad = p.mutable_grad();
      grad.mul_(inverse);
      if (!found_inf_ && !torch::isfinite(grad).all().item<bool>()) found_inf_ = true;
    }
  }
}

bool GradScaler::step(torch::optim::Optimizer& optimizer) {
  unscale(optimizer);
  if (found_inf_) {
    ++skipped_;
    return false;
  }
  optimizer.step();
  return true;
}

void GradScaler::update() {
  if (found_inf_) {
    scale_ *= options_.backoff_factor;
    growth_tracker_ = 0;
  } else if (++growth_tracker_ == options_.growth_interval) {
    scale_ *= options_.growth_factor;
    growth_tracker_ = 0;
  }
  unscaled_ = false;
  found_inf_ = false;
}

std::string GradScaler::to_json() const {
  return nlohmann::json{{"scale", scale_}, {"growth_tracker", growth_tracker_}, {"skipped_steps", skipped_}}.dump();
}

void GradScaler::load_json(const std::string& json) {
  const nlohmann::json j = nlohmann::json::parse(json);
  scale_ = j.at("scale").get<double>();
  growth_tracker_ = j.at("growth_tracker").get<int>();
  skipped_ = j.at("skipped_steps").get<long>();
  unscaled_ = false;
  found_inf_ = false;
}

}  // namespace segoid::train
