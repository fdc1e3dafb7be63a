// SPDX-License-Identifier: MIT
// Unpickler against files written by Python's torch.save (digests computed in Python).
#include "segoid/model/torch_pickle.hpp"

#include <gtest/gtest.h>

#include "python_fixtures.hpp"
#include "segoid/core/error.hpp"

namespace segoid::model {
namespace {

using segoid::test::torch_fixture_dir;

#define REQUIRE_FIXTURES()                                               \
  const auto dir = torch_fixture_dir();                                  \
  if (dir.empty()) GTEST_SKIP() << "/usr/bin/python3 lacks torch/torchvision/numpy"

std::string shape_code(const torch::Tensor& t) {
  if (t.dim() == 0) return "scalar";
  std::string text;
  for (int64_t d = 0; d < t.dim(); ++d) text += (d ? "x" : "") + std::to_string(t.size(d));
  return text;
}

std::string dtype_name(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat: return "float32";
    case torch::kDouble: return "float64";
    case torch::kLong: return "int64";
    case torch::kByte: return "uint8";
    default: return "other";
  }
}

/// Every entry equals the Python digest: same order, names, dtypes, shapes, sums, first values.
void expect_matches_digest(const StateDict& entries, const std::filesystem::path& digest_path) {
  const auto digest = segoid::test::read_digest(digest_path);
  ASSERT_EQ(entries.size(), digest.size());
  for (size_t i = 0; i < digest.size(); ++i) {
    const auto& [name, tensor] = entries[i];
    EXPECT_EQ(name, digest[i].name);
    EXPECT_EQ(dtype_name(tensor), digest[i].dtype) << name;
    EXPECT_EQ(shape_code(tensor), digest[i].shape) << name;
    const auto flat = tensor.reshape({-1}).to(torch::kDouble);
    EXPECT_NEAR(flat.sum().item<double>(), digest[i].sum, 1e-9 * (1 + std::abs(digest[i].sum))) << name;
    for (size_t k = 0; k < digest[i].first.size(); ++k) {
      EXPECT_EQ(flat[static_cast<int64_t>(k)].item<double>(), digest[i].first[k]) << name << "[" << k << "]";
    }
  }
}

TEST(TorchPickleTest, ReadsTorchvisionResnet18OrderedDict) {
  REQUIRE_FIXTURES();
  const StateDict entries = read_state_dict(dir / "resnet18.pth");
  EXPECT_EQ(entries.size(), 122u);  // 102 params/buffers + 20 num_batches_tracked
  expect_matches_digest(entries, dir / "resnet18.digest");
}

TEST(TorchPickleTest, ReadsNestedDictWithScalarsListsAndNone) {
  REQUIRE_FIXTURES();
  for (const char* file : {"nested.pth", "nested_p4.pth"}) {
    SCOPED_TRACE(file);
    const c10::IValue root = read_torch_file(dir / file);
    ASSERT_TRUE(root.isGenericDict());
    const auto dict = root.toGenericDict();
    auto at = [&](const std::string& key) { return dict.at(c10::IValue(key)); };
    EXPECT_EQ(at("epoch").toInt(), 12);
    EXPECT_EQ(at("best_val_dice").toDouble(), 0.875);
    EXPECT_EQ(at("name").toStringRef(), "run \xc3\xa9");
    EXPECT_TRUE(at("none").isNone());
    EXPECT_TRUE(at("flag").toBool());
    EXPECT_FALSE(at("off").toBool());
    EXPECT_EQ(at("big").toInt(), int64_t{1} << 40);
    EXPECT_EQ(at("neg").toInt(), -5);
    EXPECT_EQ(at("neg_big").toInt(), -(int64_t{1} << 35));
    const auto list = at("lst").toListRef();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].toInt(), 1);
    EXPECT_EQ(list[1].toDouble(), 2.5);
    EXPECT_EQ(list[2].toStringRef(), "x");
    const auto tup = at("tup").toTupleRef().elements();
    ASSERT_EQ(tup.size(), 2u);
    EXPECT_EQ(tup[1].toInt(), 2);
    EXPECT_EQ(at("history").toGenericDict().at(c10::IValue("val_dice")).toListRef()[1].toDouble(), 0.2);
    EXPECT_EQ(at("bytes").toStringRef(), std::string("\x00\xff" "ab", 4));
    // Keys keep Python's insertion order.
    std::vector<std::string> keys;
    for (const auto& item : dict) keys.push_back(item.key().toStringRef());
    EXPECT_EQ(keys.front(), "model_state_dict");
    EXPECT_EQ(keys.back(), "bytes");
    expect_matches_digest(read_state_dict(dir / file, "model_state_dict"), dir / "nested.digest");
  }
}

TEST(TorchPickleTest, KeepsOffsetsStridesSharingAndDtypes) {
  REQUIRE_FIXTURES();
  const StateDict entries = read_state_dict(dir / "views.pth");
  expect_matches_digest(entries, dir / "views.digest");
  const torch::Tensor& view = entries[0].second;
  const torch::Tensor& base = entries[2].second;
  EXPECT_FALSE(view.is_contiguous());
  EXPECT_EQ(view.storage_offset(), 8);
  EXPECT_TRUE(torch::equal(view, base.slice(0, 1).slice(1, 2, 5)));
  EXPECT_TRUE(torch::equal(entries[1].second, base.t()));
  EXPECT_EQ(view.storage().data(), base.storage().data());  // one storage, as in the file
}

TEST(TorchPickleTest, ReadsNumpyScalars) {
  REQUIRE_FIXTURES();
  const auto dict = read_torch_file(dir / "numpy.pth").toGenericDict();
  EXPECT_EQ(dict.at(c10::IValue("f")).toDouble(), 0.25);
  EXPECT_EQ(dict.at(c10::IValue("f32")).toDouble(), 1.5);
  EXPECT_EQ(dict.at(c10::IValue("i")).toInt(), -7);
}

void expect_error_mentions(const std::filesystem::path& path, const std::vector<std::string>& parts) {
  try {
    read_torch_file(path);
    FAIL() << "expected ModelError for " << path;
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    for (const auto& part : parts) EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(TorchPickleTest, ErrorsNameFileOpcodeAndGlobal) {
  REQUIRE_FIXTURES();
  expect_error_mentions(dir / "unknown_global.pth", {"datetime.date"});
  expect_error_mentions(dir / "bad_opcode.pth", {"opcode 0x49 'I'", "byte 2"});
  expect_error_mentions(dir / "legacy.pth", {"legacy"});
  expect_error_mentions(dir / "missing.pth", {"no such file"});
  try {
    read_state_dict(dir / "nested.pth", "nope");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("'nope'"), std::string::npos) << e.what();
  }
}

TEST(TorchPickleTest, ReadsLibTorchPickleSave) {
  // torch::pickle_save writes the same zip layout; our reader must read it back exactly.
  segoid::test::TempDir tmp;
  c10::Dict<std::string, torch::Tensor> dict;
  dict.insert("w", torch::randn({3, 4}));
  dict.insert("n", torch::tensor(int64_t{5}));
  const auto bytes = torch::pickle_save(c10::IValue(dict));
  const auto path = tmp / "saved.pth";
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const StateDict entries = read_state_dict(path);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(torch::equal(entries[0].second, dict.at("w")));
  EXPECT_EQ(entries[1].second.item<int64_t>(), 5);
  EXPECT_TRUE(is_torch_save_archive(path));
}

}  // namespace
}  // namespace segoid::model
