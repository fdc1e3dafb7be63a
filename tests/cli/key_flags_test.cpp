// SPDX-License-Identifier: MIT
// Flags generated from config table rows: each command lists them in --help with their defaults,
// a flag sets its key exactly as the YAML key does, and a bad value is refused naming the flag.
#include "key_flags.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <map>
#include <sstream>

#include "segoid/analysis/quantify.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/pipeline/cross_validation.hpp"
#include "segoid/pipeline/sanity_check.hpp"
#include "segoid/train/train_config.hpp"
#include "test_support.hpp"

namespace segoid::cli {
namespace {
namespace fs = std::filesystem;

/// A command whose key flags come from a table, and how its config is read.
struct Command {
  std::string name;
  const core::ConfigTable* table;
  std::shared_ptr<void> defaults;  ///< a default-constructed config of the table's type
  std::function<std::shared_ptr<KeyFlags>(CLI::App&)> add_flags;
  /// The emitted config after reading `yaml` (none: the defaults) and applying `flags` (if any).
  std::function<std::string(const fs::path& yaml, const KeyFlags* flags)> snapshot;
};

std::string emitted(const core::ConfigTable& table, const void* config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  core::emit_table(out, table, config);
  out << YAML::EndMap;
  return out.c_str();
}

template <class Config>
Command command(std::string name, const core::ConfigTable& table, std::function<Config(const fs::path&)> load) {
  Command c{std::move(name), &table, std::make_shared<Config>(), nullptr, nullptr};
  c.add_flags = [&table](CLI::App& sub) { return KeyFlags::add<Config>(sub, table); };
  c.snapshot = [&table, load](const fs::path& yaml, const KeyFlags* flags) {
    Config config = yaml.empty() ? Config{} : load(yaml);
    if (flags != nullptr) flags->apply(config);
    return emitted(table, &config);
  };
  return c;
}

std::vector<Command> commands() {
  return {command<infer::PredictConfig>("predict_full", infer::predict_config_table(),
                                        [](const fs::path& path) {
                                          infer::PredictConfig c;
                                          infer::load_predict_config(path, c);
                                          return c;
                                        }),
          command<analysis::QuantifyConfig>("quantify_objects", analysis::quantify_config_table(),
                                            analysis::load_quantify_config),
          command<train::TrainConfig>("train", train::train_config_table(), train::load_train_config),
          command<pipeline::SanityConfig>("sanity_check", pipeline::sanity_config_table(), pipeline::load_sanity_config),
          command<pipeline::CvConfig>("run_cv", pipeline::cv_config_table(), pipeline::load_cv_config)};
}

/// The flags of `c`'s rows that `c` offers, with their rows.
std::vector<std::pair<const core::ConfigKey*, const core::KeyFlag*>> offered(const Command& c) {
  std::vector<std::pair<const core::ConfigKey*, const core::KeyFlag*>> out;
  for (const core::ConfigKey& key : *c.table) {
    for (const core::KeyFlag& flag : key.flags) {
      if (offers(flag, c.name)) out.emplace_back(&key, &flag);
    }
  }
  return out;
}

/// The names of a flag ("--fill-holes,!--no-fill-holes"): positive ones, then the negations.
std::pair<std::vector<std::string>, std::vector<std::string>> names_of(const core::KeyFlag& flag) {
  std::pair<std::vector<std::string>, std::vector<std::string>> names;
  std::stringstream in(flag.names);
  for (std::string name; std::getline(in, name, ',');) {
    if (name[0] == '!') names.second.push_back(name.substr(1)); else names.first.push_back(name);
  }
  return names;
}

std::string long_name(const core::KeyFlag& flag) {
  for (const std::string& name : names_of(flag).first) {
    if (name.rfind("--", 0) == 0) return name;
  }
  return names_of(flag).first.front();
}

/// A valid value of `key`, other than its default in `defaults`, as YAML / command-line text.
std::string other_value(const core::ConfigKey& key, const void* defaults) {
  const std::string current = core::value_text(key, defaults);
  for (const std::string& choice : key.allowed) {
    if (choice != current) return choice;
  }
  // The one free-text key, calibration.pixel_size_um (a number, auto or null), takes a number.
  if (key.text_get && key.allowed.empty()) return current == "0.5" ? "0.25" : "0.5";
  const std::string type = key.type_name();
  if (type == "bool") return current == "true" ? "false" : "true";
  const double lo = std::isfinite(key.min) ? key.min : 0.0;
  const double hi = std::isfinite(key.max) ? key.max : lo + 1000;
  if (type == "int") {
    const int step = key.multiple > 0 ? key.multiple : 1;
    for (int v = static_cast<int>(std::ceil(lo)); v <= hi; v += step) {
      const bool fits = (key.multiple == 0 || v % key.multiple == 0) && !(key.min_exclusive && v == lo);
      if (fits && std::to_string(v) != current) return std::to_string(v);
    }
  }
  if (type == "number") return fmt::format("{}", lo + (hi - lo) * 0.375);
  return "flag/value";
}

/// The command-line words that set `key` to `value` through `flag`.
std::string flag_words(const core::ConfigKey& key, const core::KeyFlag& flag, const std::string& value) {
  if (key.type_name() != "bool") return long_name(flag) + " " + value;
  if (value == "true") return long_name(flag);
  const auto negations = names_of(flag).second;
  return negations.empty() ? long_name(flag) + "=false" : negations.front();
}

/// `key` set to `value`, as a YAML file's text.
std::string yaml_of(const core::ConfigKey& key, const std::string& value) {
  std::string text, indent;
  std::stringstream in(key.name);
  std::vector<std::string> parts;
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i, indent += "  ") text += indent + parts[i] + ":\n";
  return text + indent + parts.back() + ": " + value + "\n";
}

/// An app with `c`'s key flags, after parsing.
struct Parsed {
  std::unique_ptr<CLI::App> app;  ///< owns the options that `flags` reads
  std::shared_ptr<KeyFlags> flags;
};

/// Parses `words` (after the command name) into a fresh app holding `c`'s key flags.
Parsed parsed(const Command& c, const std::string& words) {
  Parsed out{std::make_unique<CLI::App>(), nullptr};
  out.flags = c.add_flags(*out.app->add_subcommand(c.name));
  out.app->parse(c.name + " " + words);
  return out;
}

TEST(KeyFlagsTest, EveryCommandOffersTheFlagsItHadBeforeTheTable) {
  // The Python SegOid's spellings are a compatibility promise: these are generated now.
  const std::map<std::string, std::vector<std::string>> expected = {
      {"predict_full",
       {"--checkpoint", "--manifest", "--data-root", "--tile-size", "--overlap", "--threshold", "--batch-size",
        "--blend", "--edge-margin", "--tta", "--scale", "--min-object-area", "--fill-holes,!--no-fill-holes",
        "--smooth-radius", "--split-touching", "--min-mean-probability", "--output-dir,-o", "--device", "--threads", "--inference-form"}},
      {"quantify_objects",
       {"--pred-mask-dir", "--gt-manifest", "--data-root", "--min-object-area", "--iou-threshold", "--pixel-size",
        "--output-dir"}},
      {"train", {"--epochs", "--memory-format", "--max-minutes", "--run-dir"}},
      {"sanity_check",
       {"--train-manifest", "--val-manifest", "--patch-size", "--patches-per-image", "--epochs", "--batch-size",
        "--learning-rate", "--num-workers", "--output-dir"}},
      {"run_cv", {}}};
  for (const Command& c : commands()) {
    std::vector<std::string> names;
    for (const auto& [key, flag] : offered(c)) names.push_back(flag->names);
    EXPECT_EQ(names, expected.at(c.name)) << c.name;
  }
}

TEST(KeyFlagsTest, SettingAKeyByFlagGivesTheSameConfigAsByYaml) {
  test::TempDir dir;
  int checked = 0;
  for (const Command& c : commands()) {
    const std::string defaults = c.snapshot({}, nullptr);
    for (const auto& [key, flag] : offered(c)) {
      SCOPED_TRACE(c.name + " " + flag->names);
      const std::string value = other_value(*key, c.defaults.get());
      const fs::path yaml = dir / "config.yaml";
      core::write_file_atomic(yaml, yaml_of(*key, value));
      const std::string by_yaml = c.snapshot(yaml, nullptr);
      const std::string by_flag = c.snapshot({}, parsed(c, flag_words(*key, *flag, value)).flags.get());
      EXPECT_EQ(by_flag, by_yaml) << value;
      EXPECT_NE(by_flag, defaults) << value << " is the default";
      ++checked;
    }
  }
  EXPECT_GE(checked, 37);
}

TEST(KeyFlagsTest, FlagsOverrideTheConfigFileAndAbsentFlagsKeepIt) {
  test::TempDir dir;
  core::write_file_atomic(dir / "predict.yaml", "inference:\n  tile_size: 256\n  overlap: 0.5\n");
  infer::PredictConfig config;
  infer::load_predict_config(dir / "predict.yaml", config);
  parsed(commands().front(), "--tile-size 512 --no-fill-holes").flags->apply(config);
  EXPECT_EQ(config.tile_size, 512);
  EXPECT_FALSE(config.fill_holes);
  EXPECT_DOUBLE_EQ(config.overlap, 0.5);
}

TEST(KeyFlagsTest, OutOfRangeFlagValuesAreRefusedNamingTheFlag) {
  int checked = 0;
  for (const Command& c : commands()) {
    for (const auto& [key, flag] : offered(c)) {
      const std::string type = key->type_name();
      if ((type != "int" && type != "number") || !std::isfinite(key->max)) continue;
      SCOPED_TRACE(c.name + " " + flag->names);
      const double above = key->max_exclusive ? key->max : key->max + 1;
      const std::string value = type == "int" ? std::to_string(static_cast<long long>(above)) : fmt::format("{}", above);
      const Parsed flags = parsed(c, long_name(*flag) + " " + value);
      try {
        c.snapshot({}, flags.flags.get());
        ADD_FAILURE() << value << " was accepted";
      } catch (const ConfigError& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.rfind(long_name(*flag) + ": " + key->name + " must be", 0), 0u) << message;
        EXPECT_NE(message.find(value), std::string::npos) << message;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 19);
  // A multiple-of rule and a choice, as YAML checks them.
  try {
    infer::PredictConfig config;
    parsed(commands().front(), "--tile-size 33").flags->apply(config);
    ADD_FAILURE() << "--tile-size 33 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "--tile-size: inference.tile_size must be a multiple of 32, got 33");
  }
  EXPECT_THROW(parsed(commands().front(), "--blend median"), CLI::ValidationError);
}

/// The --help of `segoid <command>`.
std::string help_of(const std::string& command) {
  std::string help;
  EXPECT_EQ(test::run_command(test::segoid_binary().string() + " " + command + " --help", &help), 0) << help;
  return help;
}

TEST(KeyFlagsTest, EveryFlaggedRowIsInTheCommandLineHelpWithItsDefault) {
  for (const Command& c : commands()) {
    const std::string help = help_of(c.name);
    for (const auto& [key, flag] : offered(c)) {
      const auto [names, negations] = names_of(*flag);
      for (const std::string& name : names) EXPECT_NE(help.find(name), std::string::npos) << c.name << " " << name;
      for (const std::string& name : negations) EXPECT_NE(help.find(name), std::string::npos) << c.name << " " << name;
      const std::string text = key_help(*key, c.defaults.get());
      EXPECT_NE(help.find(text), std::string::npos) << c.name << ": no \"" << text << "\" in\n" << help;
    }
  }
  EXPECT_NE(help_of("predict_full")
                .find("Tile side, pixels; 0 = the checkpoint's training patch size; an image smaller than a tile "
                      "gets the largest multiple of 32 that fits [0]"),
            std::string::npos);
}

TEST(KeyFlagsTest, BadFlagValueOnTheCommandLineExitsTwoNamingTheFlag) {
  test::TempDir dir;
  std::string output;
  const std::string command = test::segoid_binary().string() + " predict_full --checkpoint " +
                              (dir / "none.pt").string() + " --input " + dir.path().string() +
                              " --overlap 1 2>&1";
  EXPECT_EQ(test::run_command(command, &output), 2) << output;
  EXPECT_NE(output.find("--overlap: inference.overlap must be in [0, 1), got 1"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid::cli
