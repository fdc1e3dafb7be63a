// SPDX-License-Identifier: MIT
// Fine-tuning's inheritance: unset keys take the parent's values, a conflicting explicit key is
// refused unless allowed, and the parent's unknowns are not taken.
#include "segoid/train/fine_tune.hpp"

#include <gtest/gtest.h>

#include "segoid/core/error.hpp"

namespace segoid::train {
namespace {

/// A parent like the shipped model: half resolution, 160-px patches, range normalization.
model::ModelDescription parent() {
  model::ModelDescription d;
  d.image_scale = 0.5;
  d.patch_size = 160;
  d.normalization = io::Normalization::kRange;
  d.training_pixel_size = 2.76;
  return d;
}

std::string refusal(const std::string& yaml, const std::set<std::string>& allowed = {}) {
  try {
    inherit_from_parent(parse_train_config(yaml, "ft.yaml"), parent(), "base.pth", allowed);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(FineTuneTest, UnsetKeysTakeTheParentsValues) {
  const TrainConfig config = parse_train_config("training:\n  epochs: 3\n", "ft.yaml");
  std::vector<InheritedValue> taken;
  const TrainConfig result = inherit_from_parent(config, parent(), "base.pth", {}, &taken);
  EXPECT_DOUBLE_EQ(result.model.image_scale, 0.5);
  EXPECT_EQ(result.dataset.patch_size, 160);
  EXPECT_EQ(result.normalization, "range");
  EXPECT_DOUBLE_EQ(result.model.training_pixel_size, 2.76);
  EXPECT_EQ(result.training.epochs, 3);  // keys outside the contract are the config's
  std::set<std::string> keys;
  for (const InheritedValue& value : taken) keys.insert(value.key);
  EXPECT_EQ(keys.count("model.image_scale"), 1u);
  EXPECT_EQ(keys.count("dataset.patch_size"), 1u);
  EXPECT_EQ(keys.count("normalization"), 1u);
  for (const InheritedValue& value : taken) {
    if (value.key == "model.image_scale") {
      EXPECT_EQ(value.value, "0.5");
    }
  }
}

TEST(FineTuneTest, AnExplicitDefaultThatDiffersIsRefusedNamingBothValues) {
  // 1.0 is the key's default: only the table's record of named keys tells it from "unset".
  const std::string message = refusal("model:\n  image_scale: 1.0\n");
  ASSERT_FALSE(message.empty());
  EXPECT_NE(message.find("model.image_scale is 1 "), std::string::npos) << message;
  EXPECT_NE(message.find("but 0.5"), std::string::npos) << message;
  EXPECT_NE(message.find("base.pth"), std::string::npos) << message;
  EXPECT_NE(message.find("--allow-change model.image_scale"), std::string::npos) << message;
  EXPECT_NE(refusal("dataset:\n  patch_size: 256\n").find("dataset.patch_size"), std::string::npos);
  EXPECT_NE(refusal("normalization: percentile\n").find("normalization"), std::string::npos);
}

TEST(FineTuneTest, AnAllowedChangeOrAnEqualValuePasses) {
  EXPECT_EQ(refusal("model:\n  image_scale: 1.0\n", {"model.image_scale"}), "");
  EXPECT_EQ(refusal("model:\n  image_scale: 0.5\ndataset:\n  patch_size: 160\n"), "");
  const TrainConfig allowed = inherit_from_parent(parse_train_config("model:\n  image_scale: 1.0\n", "ft.yaml"),
                                                  parent(), "base.pth", {"model.image_scale"});
  EXPECT_DOUBLE_EQ(allowed.model.image_scale, 1.0);
  EXPECT_EQ(allowed.dataset.patch_size, 160);  // the other keys still inherit
  EXPECT_NE(refusal("", {"training.epochs"}).find("not a key fine-tuning inherits"), std::string::npos);
}

TEST(FineTuneTest, TheParentsUnknownsAreNotTaken) {
  model::ModelDescription python_parent;  // a Python SegOid .pth: no patch size, no pixel size
  python_parent.patch_size = 0;
  python_parent.training_pixel_size = 0;
  const TrainConfig config = parse_train_config("dataset:\n  patch_size: 96\n", "ft.yaml");
  const TrainConfig result = inherit_from_parent(config, python_parent, "python.pth", {});
  EXPECT_EQ(result.dataset.patch_size, 96);
  EXPECT_DOUBLE_EQ(result.model.training_pixel_size, 0.0);
}

}  // namespace
}  // namespace segoid::train
