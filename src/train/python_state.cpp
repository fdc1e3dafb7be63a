// SPDX-License-Identifier: MIT
// ReduceLROnPlateau state and history <-> the dicts PyTorch and the Python SegOid save.
#include "python_state.hpp"

#include <cmath>
#include <iterator>
#include <limits>

#include "segoid/core/error.hpp"
#include "train_run_dir.hpp"

namespace segoid::train {
namespace {

c10::impl::GenericDict string_dict() { return c10::impl::GenericDict(c10::StringType::get(), c10::AnyType::get()); }

double worst(const std::string& mode) {
  return mode == "min" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

c10::impl::GenericList one_double(double v) {
  c10::impl::GenericList list(c10::FloatType::get());
  list.push_back(v);
  return list;
}

class Reader {
 public:
  Reader(const c10::IValue& dict, std::string source) : source_(std::move(source)) {
    if (!dict.isGenericDict()) fail("scheduler_state_dict is a " + dict.tagKind() + ", expected a dict");
    dict_ = dict.toGenericDict();
  }

  const c10::IValue& at(const char* key) const {
    const auto it = dict_.find(c10::IValue(std::string(key)));
    if (it == dict_.end()) fail(std::string("scheduler_state_dict has no '") + key + "'");
    return it->value();
  }

  double number(const char* key) const {
    const c10::IValue& v = at(key);
    if (v.isDouble()) return v.toDouble();
    if (v.isInt()) return static_cast<double>(v.toInt());
    if (v.isList() && v.toListRef().size() == 1) return number_of(v.toListRef()[0], key);  // min_lrs
    return number_of(v, key);
  }

  int integer(const char* key) const {
    const double v = number(key);
    if (v != std::floor(v)) fail(std::string("scheduler_state_dict '") + key + "' is not an integer");
    return static_cast<int>(v);
  }

  std::string text(const char* key) const {
    const c10::IValue& v = at(key);
    if (!v.isString()) fail(std::string("scheduler_state_dict '") + key + "' is not a string");
    return v.toStringRef();
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw ModelError("cannot restore the lr scheduler from \"" + source_ + "\": " + what);
  }

 private:
  double number_of(const c10::IValue& v, const char* key) const {
    if (v.isDouble()) return v.toDouble();
    if (v.isInt()) return static_cast<double>(v.toInt());
    fail(std::string("scheduler_state_dict '") + key + "' is not a number (one parameter group expected)");
  }

  c10::impl::GenericDict dict_{c10::AnyType::get(), c10::AnyType::get()};
  std::string source_;
};

}  // namespace

c10::IValue plateau_state_dict(const ReduceLrOnPlateau& scheduler) {
  const PlateauOptions& o = scheduler.options();
  const PlateauState s = scheduler.state();
  c10::impl::GenericDict d = string_dict();
  d.insert(std::string("factor"), o.factor);
  d.insert(std::string("min_lrs"), one_double(o.min_lr));
  d.insert(std::string("patience"), static_cast<int64_t>(o.patience));
  d.insert(std::string("verbose"), false);
  d.insert(std::string("cooldown"), static_cast<int64_t>(o.cooldown));
  d.insert(std::string("cooldown_counter"), static_cast<int64_t>(s.cooldown_counter));
  d.insert(std::string("mode"), o.mode);
  d.insert(std::string("threshold"), o.threshold);
  d.insert(std::string("threshold_mode"), std::string("rel"));
  d.insert(std::string("best"), s.best);
  d.insert(std::string("num_bad_epochs"), static_cast<int64_t>(s.num_bad_epochs));
  d.insert(std::string("mode_worse"), worst(o.mode));
  d.insert(std::string("eps"), o.eps);
  d.insert(std::string("last_epoch"), static_cast<int64_t>(s.last_epoch));
  d.insert(std::string("_last_lr"), one_double(s.lr));
  return d;
}

void load_plateau_state_dict(ReduceLrOnPlateau& scheduler, const c10::IValue& state_dict, double lr,
                             const std::string& source) {
  const Reader r(state_dict, source);
  if (r.text("threshold_mode") != "rel") {
    r.fail("threshold_mode '" + r.text("threshold_mode") + "' (SegOid implements 'rel', PyTorch's default)");
  }
  PlateauOptions o;
  o.mode = r.text("mode");
  o.factor = r.number("factor");
  o.patience = r.integer("patience");
  o.threshold = r.number("threshold");
  o.cooldown = r.integer("cooldown");
  o.min_lr = r.number("min_lrs");
  o.eps = r.number("eps");
  PlateauState s;
  s.lr = lr;
  s.best = r.number("best");
  s.num_bad_epochs = r.integer("num_bad_epochs");
  s.cooldown_counter = r.integer("cooldown_counter");
  s.last_epoch = r.integer("last_epoch");
  scheduler.restore(o, s);
}

c10::IValue python_history(const std::vector<EpochRecord>& history) {
  c10::impl::GenericDict d = string_dict();
  std::vector<c10::impl::GenericList> series;
  for (std::size_t k = 0; k < std::size(kPythonHistoryKeys); ++k) series.emplace_back(c10::FloatType::get());
  for (const EpochRecord& r : history) {
    const std::vector<double> values = python_history_values(r);
    for (std::size_t k = 0; k < series.size(); ++k) series[k].push_back(values[k]);
  }
  for (std::size_t k = 0; k < series.size(); ++k) d.insert(std::string(kPythonHistoryKeys[k]), series[k]);
  return d;
}

}  // namespace segoid::train
