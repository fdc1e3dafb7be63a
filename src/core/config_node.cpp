// SPDX-License-Identifier: MIT
// Strict, typed YAML config access with file- and key-naming errors.
#include "segoid/core/config_node.hpp"

#include <algorithm>
#include <cstdint>

#include "segoid/core/atomic_file.hpp"

namespace segoid::core {
namespace {

std::string type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

template <typename T>
T convert_scalar(const YAML::Node& value, const std::string& what, const ConfigNode& owner,
                 const std::string& key) {
  if (!value.IsScalar()) {
    throw ConfigError(owner.file() + ": " + owner.full_key(key) + " must be " + what + ", got " + type_name(value));
  }
  try {
    return value.as<T>();
  } catch (const YAML::Exception&) {
    throw ConfigError(owner.file() + ": " + owner.full_key(key) + " must be " + what + ", got " + type_name(value));
  }
}

}  // namespace

ConfigNode ConfigNode::load(const std::filesystem::path& path) {
  return parse(read_file(path), path.string());
}

ConfigNode ConfigNode::parse(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(origin + ": not valid YAML: " + e.what());
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw ConfigError(origin + ": expected a mapping of sections at the top level");
  return ConfigNode(root, origin, "");
}

ConfigNode::ConfigNode(YAML::Node node, std::string file, std::string key_path)
    : node_(std::move(node)),
      file_(std::move(file)),
      key_path_(std::move(key_path)),
      known_(std::make_shared<std::map<std::string, std::set<std::string>>>()) {
  known();  // registers this node so finish() checks its keys
}

std::string ConfigNode::full_key(const std::string& key) const {
  return key_path_.empty() ? key : key_path_ + "." + key;
}

bool ConfigNode::has(const std::string& key) const { return node_.IsMap() && node_[key].IsDefined(); }

void ConfigNode::accept(const std::vector<std::string>& keys) { known().insert(keys.begin(), keys.end()); }

template <typename T>
bool ConfigNode::get(const std::string& key, T& out) {
  known().insert(key);
  if (!has(key)) return false;
  const YAML::Node value = node_[key];
  if constexpr (std::is_same_v<T, bool>) {
    if (value.IsScalar()) {
      const std::string s = value.Scalar();
      if (s == "true" || s == "True" || s == "yes") { out = true; return true; }
      if (s == "false" || s == "False" || s == "no") { out = false; return true; }
    }
    throw ConfigError(file_ + ": " + full_key(key) + " must be true or false, got " + type_name(value));
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (value.IsNull()) { out.clear(); return true; }
    out = convert_scalar<std::string>(value, "a string", *this, key);
  } else if constexpr (std::is_integral_v<T>) {
    out = convert_scalar<T>(value, "an integer", *this, key);
  } else if constexpr (std::is_floating_point_v<T>) {
    out = convert_scalar<T>(value, "a number", *this, key);
  } else {
    using Elem = typename T::value_type;
    if (!value.IsSequence()) {
      throw ConfigError(file_ + ": " + full_key(key) + " must be a list, got " + type_name(value));
    }
    T result;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string item_key = key + "[" + std::to_string(i) + "]";
      if constexpr (std::is_same_v<Elem, std::string>) {
        result.push_back(convert_scalar<std::string>(value[i], "a string", *this, item_key));
      } else if constexpr (std::is_integral_v<Elem>) {
        result.push_back(convert_scalar<Elem>(value[i], "an integer", *this, item_key));
      } else {
        result.push_back(convert_scalar<Elem>(value[i], "a number", *this, item_key));
      }
    }
    out = std::move(result);
  }
  return true;
}

template bool ConfigNode::get<bool>(const std::string&, bool&);
template bool ConfigNode::get<int>(const std::string&, int&);
template bool ConfigNode::get<std::int64_t>(const std::string&, std::int64_t&);
template bool ConfigNode::get<std::uint64_t>(const std::string&, std::uint64_t&);
template bool ConfigNode::get<double>(const std::string&, double&);
template bool ConfigNode::get<float>(const std::string&, float&);
template bool ConfigNode::get<std::string>(const std::string&, std::string&);
template bool ConfigNode::get<std::vector<double>>(const std::string&, std::vector<double>&);
template bool ConfigNode::get<std::vector<int>>(const std::string&, std::vector<int>&);
template bool ConfigNode::get<std::vector<std::string>>(const std::string&, std::vector<std::string>&);

ConfigNode ConfigNode::section(const std::string& key) {
  known().insert(key);
  YAML::Node child;
  if (has(key)) {
    child = node_[key];
    if (child.IsNull()) {
      child = YAML::Node(YAML::NodeType::Map);
    } else if (!child.IsMap()) {
      throw ConfigError(file_ + ": " + full_key(key) + " must be a section (a mapping), got " + type_name(child));
    }
  } else {
    child = YAML::Node(YAML::NodeType::Map);
  }
  // Sections are returned by value; finish() re-checks them through this record of the path.
  ConfigNode sub(child, file_, full_key(key));
  sub.known_ = known_;
  sub.known();  // registers the section so finish() checks it
  return sub;
}

void ConfigNode::finish() const { finish_node(node_, key_path_); }

void ConfigNode::finish_node(const YAML::Node& node, const std::string& path) const {
  if (!node.IsMap()) return;
  const auto found = known_->find(path);
  if (found == known_->end()) return;  // a section never opened: its keys were not asked for
  const std::set<std::string>& known_keys = found->second;
  const auto dotted = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
  for (const auto& entry : node) {
    // A complex key ("? a: b") is valid YAML but names no setting; as<string>() would throw a
    // yaml-cpp exception without the file's name (found by fuzz_yaml).
    if (!entry.first.IsScalar()) {
      throw ConfigError(file_ + ": line " + std::to_string(entry.first.Mark().line + 1) + ": a key " +
                        (path.empty() ? "" : "in '" + path + "' ") + "must be a plain name, got " +
                        type_name(entry.first));
    }
    const std::string key = entry.first.Scalar();
    if (known_keys.count(key) != 0) {
      finish_node(entry.second, dotted(key));
      continue;
    }
    std::string best;
    std::size_t best_distance = SIZE_MAX;
    for (const auto& candidate : known_keys) {
      const std::size_t d = edit_distance(key, candidate);
      if (d < best_distance) { best_distance = d; best = candidate; }
    }
    std::string message = file_ + ": unknown key '" + dotted(key) + "'";
    if (!best.empty() && best_distance <= std::max<std::size_t>(3, key.size() / 2)) {
      message += " (did you mean '" + dotted(best) + "'?)";
    }
    throw ConfigError(message);
  }
}

void ConfigNode::require_range(const std::string& key, double value, double lo, double hi) const {
  if (!(value >= lo && value <= hi)) {
    throw ConfigError(file_ + ": " + full_key(key) + " must be in [" + YAML::Node(lo).Scalar() + ", " +
                      YAML::Node(hi).Scalar() + "], got " + YAML::Node(value).Scalar());
  }
}

void ConfigNode::require_one_of(const std::string& key, const std::string& value,
                                const std::vector<std::string>& allowed) const {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw ConfigError(file_ + ": " + full_key(key) + " must be one of " + list + ", got '" + value + "'");
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace segoid::core
