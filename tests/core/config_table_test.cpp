// SPDX-License-Identifier: MIT
// Config tables: one row per key drives reading, validation, writing and the commented reference.
#include "segoid/core/config_table.hpp"

#include <gtest/gtest.h>

#include <set>

#include "segoid/core/error.hpp"

namespace segoid::core {
namespace {

enum class Mode { kFast, kSlow };

struct Inner {
  double ratio = 0.5;
  std::string weights = "imagenet";
};

struct Sample {
  int size = 64;
  Inner inner;
  std::filesystem::path out = "runs";
  std::vector<std::string> images;
  double pixel = 0;
  bool enabled = true;
  Mode mode = Mode::kFast;
};

const ConfigTable<Sample>& table() {
  static const ConfigTable<Sample> t = {
      key<Sample>("size", &Sample::size).range(32, 1024).multiple_of(32).help("side, pixels"),
      key<Sample>("inner.ratio", &Sample::inner, &Inner::ratio).range_above(0, 1).alias("rate").help("a share"),
      key<Sample>("inner.weights", &Sample::inner, &Inner::weights).choices({"imagenet"}).or_null().help("init"),
      key<Sample>("output.out", &Sample::out).help("folder"),
      key<Sample>("output.images", &Sample::images).help("files"),
      key<Sample>("calibration.pixel", &Sample::pixel).range(0, 10).or_null().help("um/px"),
      key<Sample>("enabled", &Sample::enabled).help("on"),
      enum_key<Sample>(
          "mode", {"fast", "slow"}, [](const Sample& s) { return s.mode == Mode::kSlow ? "slow" : "fast"; },
          [](Sample& s, const std::string& t) { s.mode = t == "slow" ? Mode::kSlow : Mode::kFast; })
          .help("speed"),
  };
  return t;
}

Sample parse(const std::string& yaml) {
  ConfigNode root = ConfigNode::parse(yaml, "s.yaml");
  Sample s;
  read_table(root, table(), s);
  root.finish();
  validate_table(table(), s, "s.yaml");
  return s;
}

std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string emit(const Sample& s) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  emit_table(out, table(), s);
  out << YAML::EndMap;
  return out.c_str();
}

TEST(ConfigTableTest, ReadsEveryTypeAndKeepsAbsentDefaults) {
  const Sample s = parse("size: 128\ninner: {ratio: 0.25, weights: null}\noutput: {images: [a.tif, b.tif]}\n"
                         "calibration: {pixel: ~}\nenabled: false\nmode: slow\n");
  EXPECT_EQ(s.size, 128);
  EXPECT_DOUBLE_EQ(s.inner.ratio, 0.25);
  EXPECT_TRUE(s.inner.weights.empty());
  EXPECT_EQ(s.out, "runs");
  EXPECT_EQ(s.images, (std::vector<std::string>{"a.tif", "b.tif"}));
  EXPECT_EQ(s.pixel, 0);
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.mode, Mode::kSlow);
  EXPECT_TRUE(parse("inner: {weights: None}\n").inner.weights.empty());
  EXPECT_DOUBLE_EQ(parse("inner: {rate: 0.75}\n").inner.ratio, 0.75);
}

TEST(ConfigTableTest, ReadReturnsTheKeysTheFileNamed) {
  ConfigNode root = ConfigNode::parse("size: 64\ninner: {rate: 0.5}\ncalibration: {pixel: ~}\nmode: fast\n", "s.yaml");
  Sample s;
  const std::set<std::string> named = read_table(root, table(), s);
  root.finish();
  // Values equal to the defaults count; an alias counts as its row; null counts; absent keys do not.
  EXPECT_EQ(named, (std::set<std::string>{"size", "inner.ratio", "calibration.pixel", "mode"}));
}

TEST(ConfigTableTest, UnknownKeySuggestsARowEvenWhenAbsent) {
  const std::string e = error_of("inner:\n  ratioo: 0.3\n");
  EXPECT_NE(e.find("s.yaml"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'inner.ratio'"), std::string::npos) << e;
}

TEST(ConfigTableTest, ValidationNamesFileKeyAndBound) {
  EXPECT_NE(error_of("size: 2048\n").find("size must be in [32, 1024], got 2048"), std::string::npos);
  EXPECT_NE(error_of("size: 100\n").find("size must be a multiple of 32"), std::string::npos);
  EXPECT_NE(error_of("inner: {ratio: 0}\n").find("inner.ratio must be in (0, 1]"), std::string::npos);
  EXPECT_NE(error_of("inner: {weights: coco}\n").find("inner.weights must be one of imagenet, null, got 'coco'"),
            std::string::npos);
  EXPECT_NE(error_of("mode: medium\n").find("mode must be one of fast, slow"), std::string::npos);
  EXPECT_NE(error_of("size: big\n").find("size must be an integer"), std::string::npos);
  EXPECT_EQ(error_of("size: 96\n"), "");
}

TEST(ConfigTableTest, EmitReadsBackToTheSameValues) {
  Sample s;
  s.size = 256;
  s.inner.weights.clear();
  s.images = {"x.png"};
  s.pixel = 0.65;
  s.mode = Mode::kSlow;
  const std::string text = emit(s);
  EXPECT_NE(text.find("weights: ~"), std::string::npos) << text;
  const Sample back = parse(text);
  EXPECT_EQ(emit(back), text);
  EXPECT_EQ(back.size, 256);
  EXPECT_EQ(back.mode, Mode::kSlow);
  EXPECT_DOUBLE_EQ(back.pixel, 0.65);
  // Each section is written once, in table order.
  EXPECT_EQ(text.find("inner:"), text.rfind("inner:"));
  EXPECT_LT(text.find("size:"), text.find("inner:"));
}

TEST(ConfigTableTest, CommentedReferenceHasHelpAndRangeAndLoads) {
  const Sample defaults;
  const std::string text = commented_yaml(table(), defaults, "sample");
  EXPECT_EQ(text.rfind("# sample\n", 0), 0u);
  EXPECT_NE(text.find("side, pixels (in [32, 1024], a multiple of 32)"), std::string::npos) << text;
  EXPECT_NE(text.find("init (one of imagenet, null)"), std::string::npos) << text;
  EXPECT_EQ(emit(parse(text)), emit(defaults));
}

TEST(ConfigTableTest, NestedAndMergedTablesKeepSectionsTogether) {
  struct Outer {
    Sample sample;
    int extra = 3;
  };
  const ConfigTable<Outer> merged =
      merged_tables(nested_table(table(), &Outer::sample), {key<Outer>("inner.extra", &Outer::extra).range(0, 9).help("more")});
  Outer outer;
  ConfigNode root = ConfigNode::parse("inner: {extra: 5, ratio: 0.2}\nsize: 32\n", "o.yaml");
  read_table(root, merged, outer);
  root.finish();
  EXPECT_EQ(outer.extra, 5);
  EXPECT_DOUBLE_EQ(outer.sample.inner.ratio, 0.2);
  EXPECT_EQ(outer.sample.size, 32);
  EXPECT_EQ(merged[3].name, "inner.extra");  // right after the last inner.* row
  EXPECT_EQ(find_key(merged, "size").type_name(), "int");
  EXPECT_EQ(value_text(find_key(merged, "inner.extra"), outer), "5");
}

}  // namespace
}  // namespace segoid::core
