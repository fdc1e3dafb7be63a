// SPDX-License-Identifier: MIT
// Fine-tuning inherits its parent's prediction contract (image scale, normalization, ...).
#include "segoid/train/fine_tune.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "segoid/core/error.hpp"
#include "segoid/io/normalization.hpp"

namespace segoid::train {
namespace {

/// One inherited key: its value in a config, the parent's, and how to take the parent's.
struct Rule {
  std::string key;
  std::function<std::string(const TrainConfig&)> in_config;
  std::function<std::string(const model::ModelDescription&)> in_parent;  ///< "" = the parent does not know
  std::function<void(const model::ModelDescription&, TrainConfig&)> take;
};

/// Numbers as YAML writes them (shortest exact form), so that equal values compare equal.
std::string number(double value) { return fmt::format("{}", value); }
std::string known(double value) { return value > 0 ? number(value) : std::string(); }

const std::vector<Rule>& rules() {
  using D = model::ModelDescription;
  using C = TrainConfig;
  static const std::vector<Rule> table = {
      {"model.architecture", [](const C& c) { return c.model.architecture; }, [](const D& d) { return d.architecture; },
       [](const D& d, C& c) { c.model.architecture = d.architecture; }},
      {"model.encoder", [](const C& c) { return c.model.encoder; }, [](const D& d) { return d.encoder; },
       [](const D& d, C& c) { c.model.encoder = d.encoder; }},
      {"model.in_channels", [](const C& c) { return number(c.model.in_channels); },
       [](const D& d) { return number(d.in_channels); }, [](const D& d, C& c) { c.model.in_channels = d.in_channels; }},
      {"model.classes", [](const C& c) { return number(c.model.classes); }, [](const D& d) { return number(d.classes); },
       [](const D& d, C& c) { c.model.classes = d.classes; }},
      {"normalization", [](const C& c) { return c.normalization; },
       [](const D& d) { return io::to_string(d.normalization); },
       [](const D& d, C& c) { c.normalization = io::to_string(d.normalization); }},
      {"model.image_scale", [](const C& c) { return number(c.model.image_scale); },
       [](const D& d) { return number(d.image_scale); }, [](const D& d, C& c) { c.model.image_scale = d.image_scale; }},
      {"model.training_pixel_size", [](const C& c) { return number(c.model.training_pixel_size); },
       [](const D& d) { return known(d.training_pixel_size); },
       [](const D& d, C& c) { c.model.training_pixel_size = d.training_pixel_size; }},
      {"dataset.patch_size", [](const C& c) { return number(c.dataset.patch_size); },
       [](const D& d) { return d.patch_size > 0 ? number(d.patch_size) : std::string(); },
       [](const D& d, C& c) { c.dataset.patch_size = d.patch_size; }},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& inherited_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> names;
    for (const Rule& rule : rules()) names.push_back(rule.key);
    return names;
  }();
  return keys;
}

TrainConfig inherit_from_parent(const TrainConfig& config, const model::ModelDescription& parent,
                                const std::string& parent_name, const std::set<std::string>& allowed_changes,
                                std::vector<InheritedValue>* taken) {
  for (const std::string& name : allowed_changes) {
    const auto& keys = inherited_keys();
    if (std::find(keys.begin(), keys.end(), name) == keys.end()) {
      throw ConfigError(fmt::format("--allow-change {}: not a key fine-tuning inherits (those are: {})", name,
                                    fmt::join(keys, ", ")));
    }
  }
  TrainConfig result = config;
  for (const Rule& rule : rules()) {
    const std::string inherited = rule.in_parent(parent);
    if (inherited.empty()) continue;  // the parent does not know it: the config's value stands
    if (config.named_keys.count(rule.key) == 0) {
      rule.take(parent, result);
      if (taken != nullptr) taken->push_back({rule.key, inherited});
      continue;
    }
    const std::string asked = rule.in_config(config);
    if (asked != inherited && allowed_changes.count(rule.key) == 0) {
      throw ConfigError(fmt::format(
          "{} is {} in the config but {} in \"{}\", the model being fine-tuned, and its predictions depend on it: "
          "leave {} out to inherit {}, or pass --allow-change {} to train at {} on purpose",
          rule.key, asked, inherited, parent_name, rule.key, inherited, rule.key, asked));
    }
  }
  return result;
}

}  // namespace segoid::train
