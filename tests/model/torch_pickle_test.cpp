// SPDX-License-Identifier: MIT
// Unpickler against files written by Python's torch.save (digests computed in Python).
#include "segoid/model/torch_pickle.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "python_fixtures.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/input_limits.hpp"

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

/// Runs `program` through the pickle layer with 64-byte storages; returns the error text or "".
using namespace std::string_literals;

std::string unpickle_error(const std::string& program) {
  const PickleRecordLoader load = [](const std::string&) {
    at::DataPtr bytes = at::getCPUAllocator()->allocate(64);
    std::memset(bytes.get(), 0, 64);
    return std::make_tuple(std::move(bytes), std::size_t{64});
  };
  try {
    unpickle(program.data(), program.size(), load, "hostile.pkl");
  } catch (const ModelError& e) {
    return e.what();
  }
  return "";
}

std::string binunicode(const std::string& text) {
  std::string out = "X";
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((text.size() >> (8 * i)) & 0xFF));
  return out + text;
}

std::string long8(std::int64_t value) {
  std::string out("\x8a\x08", 2);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xFF));
  return out;
}

TEST(TorchPickleTest, HostilePicklesAreRefusedWithClearErrors) {
  // Nested 300 deep: refused (the destructor of such a value would recurse 300 levels, and 10^6 overflows).
  const std::string deep = "\x80\x02" + std::string(300, ']') + std::string(299, 'a') + ".";
  EXPECT_NE(unpickle_error(deep).find("deeper than 200 levels"), std::string::npos) << unpickle_error(deep);
  EXPECT_EQ(unpickle_error("\x80\x02" + std::string(100, ']') + std::string(99, 'a') + "."), "");
  // A list inside itself, and a list changed after it was nested (the other way to build a cycle).
  EXPECT_NE(unpickle_error("]q\x00h\x00""a."s).find("inside itself"), std::string::npos);
  EXPECT_NE(unpickle_error("]q\x00]q\x01h\x00""a0K\x01""a."s).find("after nesting"), std::string::npos);
  // POP past a MARK, os.system, a view beyond its storage and a tensor of 2^80 elements.
  EXPECT_NE(unpickle_error("N(0."s).find("past a MARK"), std::string::npos);
  EXPECT_NE(unpickle_error("cos\nsystem\n(" + binunicode("true") + "tR.").find("'os.system'"), std::string::npos);
  const auto tensor = [](std::int64_t size, std::int64_t stride) {
    return "ctorch._utils\n_rebuild_tensor_v2\n((" + binunicode("storage") + "ctorch\nFloatStorage\n" +
           binunicode("0") + binunicode("cpu") + "K\x10tQK\x00("s + long8(size) + long8(size) + "t(" + long8(stride) +
           "K\x01t\x89tR.";
  };
  EXPECT_EQ(unpickle_error(tensor(4, 4)), "");
  EXPECT_NE(unpickle_error(tensor(5, 4)).find("exceeds its storage"), std::string::npos);
  EXPECT_NE(unpickle_error(tensor(std::int64_t{1} << 40, 0)).find("declares more than"), std::string::npos)
      << unpickle_error(tensor(std::int64_t{1} << 40, 0));
  EXPECT_NE(unpickle_error(tensor(std::int64_t{1} << 62, std::int64_t{1} << 62)).find("storage"), std::string::npos);
}

TEST(TorchPickleTest, MemoAndDepthLimitsAreConfigurable) {
  const core::InputLimits defaults = core::input_limits();
  core::InputLimits tight = defaults;
  tight.max_pickle_memo = 10;
  tight.max_pickle_depth = 3;
  core::set_input_limits(tight);
  std::string memo_flood = "\x80\x02";
  for (int i = 0; i < 11; ++i) memo_flood += "N\x94";
  memo_flood += std::string(11, '0') + "N.";
  const std::string memo_error = unpickle_error(memo_flood);
  const std::string depth_error = unpickle_error("]]]]aaa.");
  core::set_input_limits(defaults);
  EXPECT_NE(memo_error.find("beyond 10 entries"), std::string::npos) << memo_error;
  EXPECT_NE(depth_error.find("deeper than 3"), std::string::npos) << depth_error;
  EXPECT_EQ(unpickle_error(memo_flood), "");
}

TEST(TorchPickleTest, ArchiveDeclaringGiantStorageIsRefusedBeforeReading) {
  c10::Dict<std::string, torch::Tensor> dict;
  dict.insert("w", torch::ones({4}));
  const std::vector<char> saved = torch::pickle_save(c10::IValue(dict));
  std::string bytes(saved.begin(), saved.end());
  EXPECT_NO_THROW(read_torch_bytes(bytes, "fine.pth"));
  // Patch the central directory: the storage record now claims 0xFFFFFFF0 bytes.
  for (std::size_t at = bytes.find("PK\x01\x02"); at != std::string::npos; at = bytes.find("PK\x01\x02", at + 4)) {
    const std::size_t name_length = static_cast<std::uint8_t>(bytes[at + 28]) | (static_cast<std::uint8_t>(bytes[at + 29]) << 8);
    const std::string name = bytes.substr(at + 46, name_length);
    if (name.size() >= 6 && name.compare(name.size() - 6, 6, "data/0") == 0) {
      for (std::size_t field : {at + 20, at + 24}) bytes.replace(field, 4, "\xf0\xff\xff\xff", 4);
    }
  }
  try {
    read_torch_bytes(bytes, "bomb.pth");
    FAIL() << "accepted a giant storage claim";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("\"bomb.pth\""), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("declares 4294967280 bytes"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::model
