// SPDX-License-Identifier: MIT
// Tests for strict YAML config access.
#include "segoid/core/config_node.hpp"

#include <gtest/gtest.h>

namespace segoid::core {
namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ConfigNodeTest, ReadsTypedValuesAndKeepsDefaults) {
  ConfigNode root = ConfigNode::parse("training:\n  epochs: 7\n  learning_rate: 0.001\n  name: x\n", "t.yaml");
  ConfigNode training = root.section("training");
  int epochs = 1;
  double lr = 0.0;
  std::string name;
  int batch = 4;
  EXPECT_TRUE(training.get("epochs", epochs));
  EXPECT_TRUE(training.get("learning_rate", lr));
  EXPECT_TRUE(training.get("name", name));
  EXPECT_FALSE(training.get("batch_size", batch));
  EXPECT_EQ(epochs, 7);
  EXPECT_DOUBLE_EQ(lr, 0.001);
  EXPECT_EQ(name, "x");
  EXPECT_EQ(batch, 4);
  EXPECT_NO_THROW(root.finish());
}

TEST(ConfigNodeTest, UnknownNestedKeySuggestsNearest) {
  ConfigNode root = ConfigNode::parse("training:\n  epochz: 7\n", "cfg/train.yaml");
  ConfigNode training = root.section("training");
  int epochs = 1;
  training.get("epochs", epochs);
  const std::string message = error_of([&] { root.finish(); });
  EXPECT_NE(message.find("cfg/train.yaml"), std::string::npos) << message;
  EXPECT_NE(message.find("training.epochz"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'training.epochs'"), std::string::npos) << message;
}

TEST(ConfigNodeTest, UnknownTopLevelSectionIsAnError) {
  ConfigNode root = ConfigNode::parse("trainig:\n  epochs: 7\n", "a.yaml");
  root.section("training");
  const std::string message = error_of([&] { root.finish(); });
  EXPECT_NE(message.find("unknown key 'trainig'"), std::string::npos) << message;
}

TEST(ConfigNodeTest, ComplexKeyIsAConfigErrorNamingFileAndLine) {
  // YAML's "? key" form makes a mapping the key (fuzz_yaml found it escaping as a yaml-cpp error).
  for (const std::string text : {"training:\n? s:\n", "training:\n  ? [a, b]\n  : 3\n"}) {
    ConfigNode root = ConfigNode::parse(text, "c.yaml");
    ConfigNode training = root.section("training");
    int epochs = 0;
    training.get("epochs", epochs);
    const std::string message = error_of([&] { root.finish(); });
    EXPECT_NE(message.find("c.yaml: line 2"), std::string::npos) << message;
    EXPECT_NE(message.find("must be a plain name"), std::string::npos) << message;
  }
}

TEST(ConfigNodeTest, WrongTypeNamesFileAndKey) {
  ConfigNode root = ConfigNode::parse("training:\n  epochs: many\n  flag: maybe\n", "b.yaml");
  ConfigNode training = root.section("training");
  int epochs = 0;
  bool flag = false;
  const std::string message = error_of([&] { training.get("epochs", epochs); });
  EXPECT_NE(message.find("b.yaml: training.epochs must be an integer"), std::string::npos) << message;
  EXPECT_NE(error_of([&] { training.get("flag", flag); }).find("true or false"), std::string::npos);
}

TEST(ConfigNodeTest, RangeAndChoiceChecksNameTheKey) {
  ConfigNode root = ConfigNode::parse("x: 1\n", "c.yaml");
  EXPECT_NE(error_of([&] { root.require_range("ratio", 1.5, 0.0, 1.0); }).find("c.yaml: ratio must be in [0, 1], got 1.5"),
            std::string::npos);
  EXPECT_NE(error_of([&] { root.require_one_of("mode", "fast", {"min", "max"}); }).find("one of min, max"),
            std::string::npos);
}

TEST(ConfigNodeTest, ListsAndNullStrings) {
  ConfigNode root = ConfigNode::parse("r: [0.6, 0.2, 0.2]\nw: null\n", "d.yaml");
  std::vector<double> ratios;
  std::string weights = "imagenet";
  root.get("r", ratios);
  root.get("w", weights);
  EXPECT_EQ(ratios, (std::vector<double>{0.6, 0.2, 0.2}));
  EXPECT_EQ(weights, "");
}

TEST(ConfigNodeTest, InvalidYamlIsConfigError) {
  EXPECT_THROW(ConfigNode::parse("a: [1, 2\n", "bad.yaml"), ConfigError);
  EXPECT_THROW(ConfigNode::parse("- 1\n- 2\n", "list.yaml"), ConfigError);
}

TEST(EditDistanceTest, ClassicPairs) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
}

}  // namespace segoid::core
