// SPDX-License-Identifier: MIT
// The torch.save writer: what it writes reads back here exactly and in Python's torch.load, and it
// calls only globals that torch.load(weights_only=True) allows.
#include <gtest/gtest.h>

#include <limits>

#include "segoid/core/error.hpp"
#include "segoid/model/torch_pickle.hpp"
#include "test_support.hpp"

namespace segoid::model {
namespace {

c10::impl::GenericDict sample() {
  c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
  d.insert(std::string("int"), int64_t{-7});
  d.insert(std::string("big"), int64_t{1} << 40);
  d.insert(std::string("float"), 0.1);
  d.insert(std::string("inf"), -std::numeric_limits<double>::infinity());
  d.insert(std::string("text"), std::string("run \xc3\xa9"));
  d.insert(std::string("yes"), true);
  d.insert(std::string("none"), c10::IValue());
  c10::impl::GenericList list(c10::AnyType::get());
  list.push_back(1.5);
  list.push_back(std::string("x"));
  d.insert(std::string("list"), list);
  d.insert(std::string("tuple"), c10::ivalue::Tuple::create({0.9, 0.999}));
  c10::impl::GenericDict by_index(c10::IntType::get(), c10::AnyType::get());
  by_index.insert(int64_t{3}, torch::arange(6, torch::kFloat).reshape({2, 3}).t());  // not contiguous
  by_index.insert(int64_t{4}, torch::tensor({int64_t{5}, int64_t{-6}}));
  d.insert(std::string("tensors"), by_index);
  d.insert(std::string("scalar"), torch::tensor(2.0f));
  return d;
}

TEST(TorchPicklerTest, ReadsBackExactly) {
  const c10::IValue back = read_torch_bytes(torch_save_bytes(sample(), "sample"), "sample");
  const auto d = back.toGenericDict();
  EXPECT_EQ(d.at(c10::IValue(std::string("int"))).toInt(), -7);
  EXPECT_EQ(d.at(c10::IValue(std::string("big"))).toInt(), int64_t{1} << 40);
  EXPECT_EQ(d.at(c10::IValue(std::string("float"))).toDouble(), 0.1);
  EXPECT_EQ(d.at(c10::IValue(std::string("inf"))).toDouble(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(d.at(c10::IValue(std::string("text"))).toStringRef(), "run \xc3\xa9");
  EXPECT_TRUE(d.at(c10::IValue(std::string("yes"))).toBool());
  EXPECT_TRUE(d.at(c10::IValue(std::string("none"))).isNone());
  EXPECT_EQ(d.at(c10::IValue(std::string("list"))).toListRef()[1].toStringRef(), "x");
  EXPECT_EQ(d.at(c10::IValue(std::string("tuple"))).toTupleRef().elements()[1].toDouble(), 0.999);
  const auto tensors = d.at(c10::IValue(std::string("tensors"))).toGenericDict();
  EXPECT_TRUE(tensors.at(c10::IValue(int64_t{3})).toTensor().equal(torch::arange(6, torch::kFloat).reshape({2, 3}).t()));
  EXPECT_TRUE(tensors.at(c10::IValue(int64_t{4})).toTensor().equal(torch::tensor({int64_t{5}, int64_t{-6}})));
  EXPECT_EQ(d.at(c10::IValue(std::string("scalar"))).toTensor().dim(), 0);
  // Insertion order is file order.
  EXPECT_EQ(d.begin()->key().toStringRef(), "int");
}

TEST(TorchPicklerTest, PythonLoadsItAndItCallsOnlyWeightsOnlyGlobals) {
  if (!test::python_has("torch")) GTEST_SKIP() << "/usr/bin/python3 lacks torch";
  test::TempDir dir;
  write_torch_file(dir / "sample.pth", sample());
  // (torch 1.13's weights_only unpickler lacks BINFLOAT, which every checkpoint with a float needs,
  // Python's own too; torch >= 2 has it. So the globals are checked, the load is the default one.)
  const std::string program =
      "import torch,sys,zipfile,pickletools; z=zipfile.ZipFile(sys.argv[1]); "
      "pkl=[n for n in z.namelist() if n.endswith('/data.pkl')][0]; "
      "print(' '.join(sorted({a.replace(' ', '.') for op, a, _ in pickletools.genops(z.read(pkl)) "
      "if op.name == 'GLOBAL'}))); "
      "d=torch.load(sys.argv[1]); t=d['tensors']; "
      "print(d['int'], d['big'], d['float'], d['inf'], d['text'], d['yes'], d['none'], d['list'], d['tuple'], "
      "t[3].tolist(), t[4].dtype, float(d['scalar']), list(d)[0])";
  std::string output;
  ASSERT_EQ(test::run_command("/usr/bin/python3 -c \"" + program + "\" '" + (dir / "sample.pth").string() + "'", &output),
            0)
      << output;
  EXPECT_EQ(output,
            "collections.OrderedDict torch.FloatStorage torch.LongStorage torch._utils._rebuild_tensor_v2\n"
            "-7 1099511627776 0.1 -inf run \xc3\xa9 True None [1.5, 'x'] (0.9, 0.999) [[0.0, 3.0], [1.0, 4.0], "
            "[2.0, 5.0]] torch.int64 2.0 int\n");
}

TEST(TorchPicklerTest, RefusesWhatPickleCannotHold) {
  c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
  d.insert(std::string("complex"), torch::zeros({2}, torch::kComplexFloat));
  EXPECT_THROW(torch_save_bytes(d, "x"), ModelError);
}

}  // namespace
}  // namespace segoid::model
