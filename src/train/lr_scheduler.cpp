// SPDX-License-Identifier: MIT
// ReduceLROnPlateau and early stopping state machines with JSON state for checkpoints.
#include "segoid/train/lr_scheduler.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "segoid/core/error.hpp"
#include "segoid/train/early_stopping.hpp"

namespace segoid::train {
namespace {

// JSON has no infinity: the initial "best" of the scheduler is stored as null.
nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

double number_or(const nlohmann::json& j, double fallback) { return j.is_null() ? fallback : j.get<double>(); }

}  // namespace

ReduceLrOnPlateau::ReduceLrOnPlateau(double initial_lr, PlateauOptions options)
    : options_(std::move(options)), lr_(initial_lr), old_lr_(initial_lr) {
  SEGOID_CHECK(options_.mode == "min" || options_.mode == "max", "plateau mode must be min or max");
  SEGOID_CHECK(options_.factor > 0.0 && options_.factor < 1.0, "plateau factor must be in (0, 1)");
  best_ = options_.mode == "min" ? std::numeric_limits<double>::infinity()
                                 : -std::numeric_limits<double>::infinity();
}

bool ReduceLrOnPlateau::is_better(double a) const {
  // PyTorch's "rel" threshold mode; comparisons with NaN are false, so NaN is never better.
  if (options_.mode == "min") return a < best_ * (1.0 - options_.threshold);
  return a > best_ * (1.0 + options_.threshold);
}

bool ReduceLrOnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;
  }
  if (num_bad_epochs_ <= options_.patience) return false;
  cooldown_counter_ = options_.cooldown;
  num_bad_epochs_ = 0;
  const double new_lr = std::max(lr_ * options_.factor, options_.min_lr);
  if (lr_ - new_lr <= options_.eps) return false;
  old_lr_ = lr_;
  lr_ = new_lr;
  return true;
}

PlateauState ReduceLrOnPlateau::state() const {
  return {lr_, best_, num_bad_epochs_, cooldown_counter_, last_epoch_};
}

void ReduceLrOnPlateau::restore(const PlateauOptions& options, const PlateauState& state) {
  if ((options.mode != "min" && options.mode != "max") || !(options.factor > 0.0 && options.factor < 1.0)) {
    throw ModelError("lr scheduler state with mode '" + options.mode + "' and factor " +
                     std::to_string(options.factor) + ": expected min|max and a factor in (0, 1)");
  }
  options_ = options;
  lr_ = state.lr;
  old_lr_ = state.lr;
  best_ = state.best;
  num_bad_epochs_ = state.num_bad_epochs;
  cooldown_counter_ = state.cooldown_counter;
  last_epoch_ = state.last_epoch;
}

std::string ReduceLrOnPlateau::to_json() const {
  nlohmann::json j = {{"lr", lr_},
                      {"best", number_or_null(best_)},
                      {"num_bad_epochs", num_bad_epochs_},
                      {"cooldown_counter", cooldown_counter_},
                      {"last_epoch", last_epoch_},
                      {"mode", options_.mode},
                      {"factor", options_.factor},
                      {"patience", options_.patience},
                      {"threshold", options_.threshold},
                      {"cooldown", options_.cooldown},
                      {"min_lr", options_.min_lr},
                      {"eps", options_.eps}};
  return j.dump();
}

void ReduceLrOnPlateau::load_json(const std::string& text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    options_.mode = j.at("mode").get<std::string>();
    options_.factor = j.at("factor").get<double>();
    options_.patience = j.at("patience").get<int>();
    options_.threshold = j.at("threshold").get<double>();
    options_.cooldown = j.at("cooldown").get<int>();
    options_.min_lr = j.at("min_lr").get<double>();
    options_.eps = j.at("eps").get<double>();
    lr_ = j.at("lr").get<double>();
    old_lr_ = lr_;
    const double worst = options_.mode == "min" ? std::numeric_limits<double>::infinity()
                                                : -std::numeric_limits<double>::infinity();
    best_ = number_or(j.at("best"), worst);
    num_bad_epochs_ = j.at("num_bad_epochs").get<int>();
    cooldown_counter_ = j.at("cooldown_counter").get<int>();
    last_epoch_ = j.at("last_epoch").get<int>();
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(std::string("malformed lr scheduler state in checkpoint: ") + e.what());
  }
}

EarlyStopping::EarlyStopping(int patience, double min_delta) : patience_(patience), min_delta_(min_delta) {}

bool EarlyStopping::step(double score) {
  if (!has_best_) {
    has_best_ = true;
    best_ = score;
    return false;
  }
  if (score > best_ + min_delta_) {
    best_ = score;
    counter_ = 0;
    return false;
  }
  ++counter_;
  if (counter_ >= patience_) stopped_ = true;
  return stopped_;
}

std::string EarlyStopping::to_json() const {
  const nlohmann::json j = {{"patience", patience_}, {"min_delta", min_delta_}, {"counter", counter_},
                            {"has_best", has_best_}, {"best", best_},         {"stopped", stopped_}};
  return j.dump();
}

void EarlyStopping::load_json(const std::string& text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    patience_ = j.at("patience").get<int>();
    min_delta_ = j.at("min_delta").get<double>();
    counter_ = j.at("counter").get<int>();
    has_best_ = j.at("has_best").get<bool>();
    best_ = j.at("best").get<double>();
    stopped_ = j.at("stopped").get<bool>();
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(std::string("malformed early-stopping state in checkpoint: ") + e.what());
  }
}

}  // namespace segoid::train
