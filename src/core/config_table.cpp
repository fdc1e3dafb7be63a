// SPDX-License-Identifier: MIT
// Reading, validating and writing a config through its table of keys.
#include "segoid/core/config_table.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
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

/// The section node for `path` ("" = root), opened once per read and shared by its keys.
ConfigNode& section_of(ConfigNode& root, std::map<std::string, ConfigNode>& open, const std::string& path) {
  if (path.empty()) return root;
  auto found = open.find(path);
  if (found != open.end()) return found->second;
  const std::size_t dot = path.rfind('.');
  ConfigNode& parent = section_of(root, open, dot == std::string::npos ? "" : path.substr(0, dot));
  return open.emplace(path, parent.section(dot == std::string::npos ? path : path.substr(dot + 1))).first->second;
}

void read_one(ConfigNode& node, const std::string& leaf, const ConfigKey& key, void* config) {
  if (key.text_set) {
    std::string text;
    if (!node.get(leaf, text)) return;
    if (!key.allowed.empty()) node.require_one_of(leaf, text, key.allowed);
    try {
      key.text_set(config, text);  // a key without choices checks its text here
    } catch (const ConfigError& e) {
      throw ConfigError(node.file() + ": " + e.what());
    }
    return;
  }
  if (!node.has(leaf)) {
    node.accept({leaf});
    return;
  }
  const ConfigValue value = key.field(config);
  if (key.nullable && node.node()[leaf].IsNull()) {
    node.accept({leaf});
    const double null_number = key.null_number;
    std::visit(Overload{[](std::string* s) { s->clear(); }, [&](int* v) { *v = static_cast<int>(null_number); },
                        [&](double* v) { *v = null_number; }, [](std::filesystem::path* p) { p->clear(); },
                        [](auto*) {}},
               value);
    return;
  }
  std::visit(Overload{[&](std::filesystem::path* p) {
                        std::string text = p->string();
                        node.get(leaf, text);
                        *p = text;
                      },
                      [&](std::string* s) {
                        node.get(leaf, *s);
                        if (key.nullable && is_null_word(*s)) s->clear();
                      },
                      [&](auto* v) { node.get(leaf, *v); }},
             value);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

/// Shortest text that reads back as the same double ("0.7", "1e-12", "50").
std::string number_text(double v) { return fmt::format("{}", v); }

std::string range_text(const ConfigKey& key) {
  return std::string(key.min_exclusive ? "(" : "[") + number_text(key.min) + ", " + number_text(key.max) +
         (key.max_exclusive ? ")" : "]");
}

void emit_value(YAML::Emitter& out, const ConfigKey& key, void* config) {
  if (key.text_get) {
    const std::string text = key.text_get(config);
    if (text == "null") {
      out << YAML::Null;  // a text key's "no value", e.g. calibration.pixel_size_um
    } else {
      out << text;
    }
    return;
  }
  const ConfigValue value = key.field(config);
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

/// "in [0, 1]", "one of min, max", ... for the generated reference.
std::string constraint_text(const ConfigKey& key) {
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

}  // namespace

std::string ConfigKey::section() const {
  const std::size_t dot = name.rfind('.');
  return dot == std::string::npos ? std::string() : name.substr(0, dot);
}

std::string ConfigKey::leaf() const {
  const std::size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

std::string ConfigKey::type_name() const {
  static const char* const kNames[] = {"bool", "int", "int", "number", "string", "path", "list of strings"};
  return kNames[type];
}

void read_table(ConfigNode& root, const ConfigTable& table, void* config) {
  std::map<std::string, ConfigNode> open;
  for (const ConfigKey& key : table) {
    ConfigNode& node = section_of(root, open, key.section());
    for (const std::string& alias : key.aliases) read_one(node, alias, key, config);
    read_one(node, key.leaf(), key, config);
  }
}

void validate_table(const ConfigTable& table, const void* config, const std::string& origin) {
  for (const ConfigKey& key : table) validate_key(key, config, origin);
}

void validate_key(const ConfigKey& key, const void* config, const std::string& origin) {
  if (key.text_get) return;  // enums are checked when read
  const ConfigNode check(YAML::Node(), origin, "");
  const ConfigValue value = key.field(const_cast<void*>(config));  // fields are only read here
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

void copy_value(const ConfigKey& key, const void* from, void* to) {
  void* source = const_cast<void*>(from);  // only read
  if (key.text_get) {
    key.text_set(to, key.text_get(source));
    return;
  }
  const ConfigValue value = key.field(source);
  std::visit([&](auto* target) { *target = *std::get<decltype(target)>(value); }, key.field(to));
}

void emit_table(YAML::Emitter& out, const ConfigTable& table, const void* config, bool comments) {
  std::vector<std::string> open;  // sections currently begun, outermost first
  void* target = const_cast<void*>(config);  // fields are only read here
  for (const ConfigKey& key : table) {
    const std::vector<std::string> path = key.section().empty() ? std::vector<std::string>{} : split_dots(key.section());
    std::size_t common = 0;
    while (common < open.size() && common < path.size() && open[common] == path[common]) ++common;
    for (std::size_t i = open.size(); i > common; --i) out << YAML::EndMap;
    open.resize(common);
    for (std::size_t i = common; i < path.size(); ++i) {
      out << YAML::Key << path[i] << YAML::Value << YAML::BeginMap;
      open.push_back(path[i]);
    }
    out << YAML::Key << key.leaf() << YAML::Value;
    emit_value(out, key, target);
    if (comments) {
      const std::string constraint = constraint_text(key);
      out << YAML::Comment(key.help_text + (constraint.empty() ? "" : " (" + constraint + ")"));
    }
  }
  for (std::size_t i = 0; i < open.size(); ++i) out << YAML::EndMap;
}

std::string value_text(const ConfigKey& key, const void* config) {
  YAML::Emitter out;
  emit_value(out, key, const_cast<void*>(config));
  return out.c_str();
}

ConfigTable nested_table(const ConfigTable& table, const std::function<void*(void*)>& member) {
  ConfigTable out = table;
  for (ConfigKey& key : out) {
    if (key.field) key.field = [field = key.field, member](void* outer) { return field(member(outer)); };
    if (key.text_get) key.text_get = [get = key.text_get, member](void* outer) { return get(member(outer)); };
    if (key.text_set) {
      key.text_set = [set = key.text_set, member](void* outer, const std::string& text) { set(member(outer), text); };
    }
  }
  return out;
}

ConfigTable merged_tables(ConfigTable base, const ConfigTable& extra) {
  for (const ConfigKey& key : extra) {
    auto last = base.end();
    for (auto it = base.begin(); it != base.end(); ++it) {
      if (it->section() == key.section()) last = it + 1;
    }
    base.insert(last, key);
  }
  return base;
}

const ConfigKey& find_key(const ConfigTable& table, const std::string& name) {
  const auto found = std::find_if(table.begin(), table.end(), [&](const ConfigKey& k) { return k.name == name; });
  SEGOID_CHECK(found != table.end(), "no config key named " + name);
  return *found;
}

std::string commented_yaml(const ConfigTable& table, const void* config, const std::string& title) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  emit_table(out, table, config, /*comments=*/true);
  out << YAML::EndMap;
  return "# " + title + "\n" + out.c_str() + "\n";
}

}  // namespace segoid::core
