// SPDX-License-Identifier: MIT
// Model names: what reads as a name, the folder order, and the error that names the folders.
#include "segoid/model/model_names.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "x";
}

TEST(ModelNamesTest, ANameHasNoFolderAndNoExtension) {
  EXPECT_TRUE(is_model_name(kShippedModelName));
  EXPECT_TRUE(is_model_name("my_lab-v2"));
  EXPECT_FALSE(is_model_name("spheroid-base.pth"));
  EXPECT_FALSE(is_model_name("./spheroid-base"));
  EXPECT_FALSE(is_model_name("models/spheroid-base"));
  EXPECT_FALSE(is_model_name("/abs/best_model.pth"));
  EXPECT_FALSE(is_model_name(""));
  EXPECT_FALSE(is_model_name(".."));
}

TEST(ModelNamesTest, FirstFolderThatHoldsTheNameWins) {
  test::TempDir dir;
  const fs::path first = dir / "env", second = dir / "build_models", third = dir / "share";
  touch(second / "spheroid-base.pth");
  touch(third / "spheroid-base.pth");
  EXPECT_EQ(resolve_model("spheroid-base", {first, second, third}), second / "spheroid-base.pth");
  touch(first / "spheroid-base.pth");
  EXPECT_EQ(resolve_model("spheroid-base", {first, second, third}), first / "spheroid-base.pth");
}

TEST(ModelNamesTest, PathsPassThroughAndAnUnknownNameNamesTheFoldersSearched) {
  test::TempDir dir;
  EXPECT_EQ(resolve_model("runs/x/best_model.pth", {dir.path()}), fs::path("runs/x/best_model.pth"));
  try {
    resolve_model("no-such-model", {dir / "a", dir / "b"});
    FAIL() << "an unknown name must throw";
  } catch (const ModelError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("no-such-model"), std::string::npos) << message;
    EXPECT_NE(message.find((dir / "a").string()), std::string::npos) << message;
    EXPECT_NE(message.find((dir / "b").string()), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace segoid::model
