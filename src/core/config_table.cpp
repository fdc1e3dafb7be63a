// SPDX-License-Identifier: MIT
// Reading, validating and writing a config through its table of keys.
#include "segoid/core/config_table.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "segoid/core/error.hpp"

namespace segoid::core {
namespace {

template <class... Fs>
struct Overload : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overload(Fs...) -> Overload<Fs...>;

bool is_null_word(const std::string& s) { return s == "none" || s == "None" || s == "null"; }

std::vector<std::string> split_dots(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '.')) parts.push_back(part);
  return parts;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

/// Shortest text that reads back as the same double ("0.7", "1e-12", "50").
std::string number_text(double v) { return fmt::format("{}", v); }

std::string range_text(const KeyRules& key) {
  return std::string(key.min_exclusive ? "(" : "[") + number_text(key.min) + ", " + number_text(key.max) +
         (key.max_exclusive ? ")" : "]");
}

}  // namespace


std::string KeyRules::section() const {
  const std::size_t dot = name.rfind('.');
  return dot == std::string::npos ? std::string() : name.substr(0, dot);
}

std::string KeyRules::leaf() const {
  const std::size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

std::string KeyRules::type_name() const {
  static const char* const kNames[] = {"bool", "int", "int", "number", "string", "path", "list of strings"};
  return kNames[type];
}

namespace detail {

ConfigNode& SectionReader::at(const std::string& path) {
  if (path.empty()) return root_;
  auto found = open_.find(path);
  if (found != open_.end()) return found->second;
  const std::size_t dot = path.rfind('.');
  ConfigNode& parent = at(dot == std::string::npos ? "" : path.substr(0, dot));
  return open_.emplace(path, parent.section(dot == std::string::npos ? path : path.substr(dot + 1))).first->second;
}

void SectionWriter::key(const KeyRules& rules) {
  const std::vector<std::string> path = rules.section().empty() ? std::vector<std::string>{} : split_dots(rules.section());
  std::size_t common = 0;
  while (common < open_.size() && common < path.size() && open_[common] == path[common]) ++common;
  for (std::size_t i = open_.size(); i > common; --i) out_ << YAML::EndMap;
  open_.resize(common);
  for (std::size_t i = common; i < path.size(); ++i) {
    out_ << YAML::Key << path[i] << YAML::Value << YAML::BeginMap;
    open_.push_back(path[i]);
  }
  out_ << YAML::Key << rules.leaf() << YAML::Value;
}

void SectionWriter::close() {
  for (std::size_t i = 0; i < open_.size(); ++i) out_ << YAML::EndMap;
  open_.clear();
}

bool read_text(ConfigNode& node, const std::string& leaf, const KeyRules& rules, std::string& text) {
  if (!node.get(leaf, text)) return false;
  if (!rules.allowed.empty()) node.require_one_of(leaf, text, rules.allowed);  // else from_text checks it
  return true;
}

bool read_value(ConfigNode& node, const std::string& leaf, const KeyRules& rules, const ConfigValue& value) {
  if (!node.has(leaf)) {
    node.accept({leaf});
    return false;
  }
  if (rules.nullable && node.node()[leaf].IsNull()) {
    node.accept({leaf});
    const double null_number = rules.null_number;
    std::visit(Overload{[](std::string* s) { s->clear(); }, [&](int* v) { *v = static_cast<int>(null_number); },
                        [&](double* v) { *v = null_number; }, [](std::filesystem::path* p) { p->clear(); },
                        [](auto*) {}},
               value);
    return true;
  }
  std::visit(Overload{[&](std::filesystem::path* p) {
                        std::string text = p->string();
                        node.get(leaf, text);
                        *p = text;
                      },
                      [&](std::string* s) {
                        node.get(leaf, *s);
                        if (rules.nullable && is_null_word(*s)) s->clear();
                      },
                      [&](auto* v) { node.get(leaf, *v); }},
             value);
  return true;
}

void check_value(const KeyRules& key, const ConfigValue& value, const std::string& origin) {
  const ConfigNode check(YAML::Node(), origin, "");
  const auto check_number = [&](double v) {
    if (key.nullable && v == key.null_number) return;
    if (key.min_exclusive || key.max_exclusive) {
      const bool above = key.min_exclusive ? v > key.min : v >= key.min;
      const bool below = key.max_exclusive ? v < key.max : v <= key.max;
      if (!(above && below)) {
        throw ConfigError(origin + ": " + key.name + " must be in " + range_text(key) + ", got " + number_text(v));
      }
      return;
    }
    check.require_range(key.name, v, key.min, key.max);
  };
  std::visit(Overload{[&](const int* v) {
                        check_number(*v);
                        if (key.multiple > 0 && *v % key.multiple != 0) {
                          throw ConfigError(origin + ": " + key.name + " must be a multiple of " +
                                            std::to_string(key.multiple) + ", got " + std::to_string(*v));
                        }
                      },
                      [&](const double* v) { check_number(*v); },
                      [&](const std::string* s) {
                        if (key.allowed.empty() || (key.nullable && s->empty())) return;
                        std::vector<std::string> shown = key.allowed;
                        if (key.nullable) shown.push_back("null");
                        check.require_one_of(key.name, *s, shown);
                      },
                      [&](const auto*) {}},
             value);
}

void emit_value(YAML::Emitter& out, const KeyRules& key, const ConfigValue& value) {
  std::visit(Overload{[&](const std::string* s) {
                        if (key.nullable && s->empty()) out << YAML::Null; else out << *s;
                      },
                      [&](const std::filesystem::path* p) {
                        if (key.nullable && p->empty()) out << YAML::Null; else out << p->string();
                      },
                      [&](const double* v) {
                        if (key.nullable && *v == key.null_number) out << YAML::Null; else out << number_text(*v);
                      },
                      [&](const int* v) {
                        if (key.nullable && *v == key.null_number) out << YAML::Null; else out << *v;
                      },
                      [&](const std::vector<std::string>* list) { out << YAML::Flow << *list; },
                      [&](const auto* v) { out << *v; }},
             value);
}

void copy_member(const ConfigValue& from, const ConfigValue& to) {
  std::visit([&](auto* target) { *target = *std::get<decltype(target)>(from); }, to);
}

std::string constraint_text(const KeyRules& key) {
  std::string text;
  if (!key.allowed.empty()) {
    std::vector<std::string> shown = key.allowed;
    if (key.nullable) shown.push_back("null");
    text = "one of " + join(shown);
  } else if (key.min > -std::numeric_limits<double>::infinity() || key.max < std::numeric_limits<double>::infinity()) {
    text = "in " + range_text(key);
    if (key.multiple > 0) text += ", a multiple of " + std::to_string(key.multiple);
    if (key.nullable) text += " or null";
  } else if (key.nullable) {
    text = "or null";
  }
  return text;
}

}  // namespace detail
}  // namespace segoid::core
