// SPDX-License-Identifier: MIT
// Python globals found in torch.save files: OrderedDict, tensor/parameter rebuilds, storages, numpy scalars.
#include "torch_pickle_globals.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>

#include "segoid/core/error.hpp"
#include "segoid/core/input_limits.hpp"

namespace segoid::model::detail {
namespace {

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw ModelError("cannot read \"" + source + "\": " + what);
}

std::string global_name(const c10::IValue& value) {
  if (value.isCapsule()) {
    if (auto* global = dynamic_cast<PickleGlobal*>(value.toCapsule().get())) return global->name;
  }
  return "";
}

std::vector<c10::IValue> tuple_items(const c10::IValue& args, const std::string& what, const std::string& source) {
  if (!args.isTuple()) fail(source, what + " called without an argument tuple");
  return args.toTupleRef().elements().vec();
}

std::vector<int64_t> int_tuple(const c10::IValue& value, const std::string& source) {
  std::vector<int64_t> result;
  for (const auto& item : tuple_items(value, "size/stride", source)) {
    if (!item.isInt()) fail(source, "tensor size/stride holds a non-integer");
    result.push_back(item.toInt());
  }
  return result;
}

/// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]).
c10::IValue rebuild_tensor(const std::vector<c10::IValue>& args, const std::string& source) {
  if (args.size() < 4 || !args[0].isTensor() || !args[1].isInt()) fail(source, "malformed _rebuild_tensor arguments");
  const at::Tensor& flat = args[0].toTensor();
  const std::vector<int64_t> size = int_tuple(args[2], source);
  const std::vector<int64_t> stride = int_tuple(args[3], source);
  const int64_t offset = args[1].toInt();
  if (size.size() != stride.size()) fail(source, "tensor size and stride differ in length");
  // Checked arithmetic: a hostile header must not overflow the extent or claim a giant tensor.
  const auto max_elements = static_cast<int64_t>(std::min<std::uint64_t>(
      core::input_limits().max_record_bytes, static_cast<std::uint64_t>(std::numeric_limits<int64_t>::max())));
  int64_t last = offset;
  int64_t numel = 1;
  bool empty = false;
  for (size_t d = 0; d < size.size(); ++d) {
    if (size[d] < 0 || stride[d] < 0) fail(source, "tensor with negative size or stride");
    empty = empty || size[d] == 0;
    int64_t extent = 0;
    if (size[d] > 0 && (__builtin_mul_overflow(size[d] - 1, stride[d], &extent) ||
                        __builtin_add_overflow(last, extent, &last))) {
      fail(source, "tensor view exceeds its storage");
    }
    if (__builtin_mul_overflow(numel, size[d], &numel) || numel > max_elements) {
      fail(source, "tensor declares more than " + std::to_string(max_elements) + " elements (segoid --max-record-mb)");
    }
  }
  if (!empty && (offset < 0 || last >= flat.numel())) fail(source, "tensor view exceeds its storage");
  at::Tensor tensor = at::empty({0}, flat.options());
  tensor.set_(flat.storage(), offset, size, stride);
  return tensor;
}

/// numpy.core.multiarray.scalar(dtype, bytes) -> Int/Double/Bool.
c10::IValue numpy_scalar(const std::vector<c10::IValue>& args, const std::string& source) {
  NumpyDtype* dtype = args.size() == 2 && args[0].isCapsule() ? dynamic_cast<NumpyDtype*>(args[0].toCapsule().get())
                                                              : nullptr;
  if (dtype == nullptr || !args[1].isString()) fail(source, "malformed numpy scalar");
  const std::string& bytes = args[1].toStringRef();
  if (dtype->byteorder == '>') fail(source, "big-endian numpy scalar is not supported");
  const char kind = dtype->typestr.empty() ? '?' : dtype->typestr[0];
  size_t width = 0;
  for (size_t i = 1; i < dtype->typestr.size() && i < 4; ++i) {
    const char digit = dtype->typestr[i];
    if (digit < '0' || digit > '9') fail(source, "unsupported numpy scalar type '" + dtype->typestr + "'");
    width = width * 10 + static_cast<size_t>(digit - '0');
  }
  if (bytes.size() != width) fail(source, "numpy scalar of type " + dtype->typestr + " has " +
                                              std::to_string(bytes.size()) + " bytes");
  if (kind == 'f' && width == 8) { double v; std::memcpy(&v, bytes.data(), 8); return v; }
  if (kind == 'f' && width == 4) { float v; std::memcpy(&v, bytes.data(), 4); return static_cast<double>(v); }
  if ((kind == 'i' || kind == 'u') && width >= 1 && width <= 8) {
    uint64_t v = 0;
    std::memcpy(&v, bytes.data(), width);
    if (kind == 'i' && width < 8 && (v >> (8 * width - 1)) & 1) v |= ~uint64_t{0} << (8 * width);
    return static_cast<int64_t>(v);
  }
  if (kind == 'b' && width == 1) return bytes[0] != 0;
  fail(source, "unsupported numpy scalar type '" + dtype->typestr + "'");
}

/// _codecs.encode(text, 'latin1'): how protocol 2 pickles bytes. UTF-8 code points < 256 -> bytes.
c10::IValue latin1_encode(const std::vector<c10::IValue>& args, const std::string& source) {
  if (args.empty() || !args[0].isString()) fail(source, "malformed _codecs.encode call");
  const std::string& text = args[0].toStringRef();
  std::string bytes;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      bytes.push_back(static_cast<char>(c));
    } else if ((c & 0xE0) == 0xC0 && i + 1 < text.size()) {
      bytes.push_back(static_cast<char>(((c & 0x1F) << 6) | (static_cast<uint8_t>(text[++i]) & 0x3F)));
    } else {
      fail(source, "_codecs.encode of a character beyond latin-1");
    }
  }
  return bytes;
}

}  // namespace

bool is_dict_key(const c10::IValue& key) { return key.isString() || key.isInt() || key.isDouble() || key.isBool(); }

c10::IValue make_global(const std::string& module, const std::string& name) {
  return c10::IValue::make_capsule(c10::make_intrusive<PickleGlobal>(module + "." + name));
}

c10::ScalarType storage_dtype(const c10::IValue& storage_type, const std::string& source) {
  static const std::map<std::string, c10::ScalarType> kTypes{
      {"FloatStorage", at::kFloat},   {"DoubleStorage", at::kDouble}, {"HalfStorage", at::kHalf},
      {"BFloat16Storage", at::kBFloat16}, {"LongStorage", at::kLong}, {"IntStorage", at::kInt},
      {"ShortStorage", at::kShort},   {"CharStorage", at::kChar},     {"ByteStorage", at::kByte},
      {"BoolStorage", at::kBool},     {"UntypedStorage", at::kByte},  {"float32", at::kFloat},
      {"float", at::kFloat},          {"float64", at::kDouble},       {"double", at::kDouble},
      {"float16", at::kHalf},         {"half", at::kHalf},            {"bfloat16", at::kBFloat16},
      {"int64", at::kLong},           {"long", at::kLong},            {"int32", at::kInt},
      {"int", at::kInt},              {"int16", at::kShort},          {"int8", at::kChar},
      {"uint8", at::kByte},           {"bool", at::kBool}};
  const std::string name = global_name(storage_type);
  const std::string prefix = "torch.";
  if (name.rfind(prefix, 0) == 0) {
    std::string short_name = name.substr(prefix.size());
    if (short_name.rfind("storage.", 0) == 0) short_name = short_name.substr(8);
    const auto it = kTypes.find(short_name);
    if (it != kTypes.end()) return it->second;
  }
  fail(source, "unsupported storage type '" + (name.empty() ? storage_type.tagKind() : name) + "'");
}

c10::IValue call_global(const c10::IValue& callable, const c10::IValue& args, const std::string& source) {
  const std::string name = global_name(callable);
  if (name.empty()) fail(source, "REDUCE on a " + callable.tagKind() + ", not a global");
  const std::vector<c10::IValue> items = tuple_items(args, name, source);
  if (name == "collections.OrderedDict" || name == "builtins.dict") {
    c10::impl::GenericDict dict(c10::AnyType::get(), c10::AnyType::get());
    if (!items.empty() && items[0].isList()) {
      for (const auto& pair : items[0].toListRef()) {
        if (!pair.isTuple() || pair.toTupleRef().elements().size() != 2) fail(source, "OrderedDict of non-pairs");
        if (!is_dict_key(pair.toTupleRef().elements()[0])) fail(source, "OrderedDict with an unsupported key type");
        dict.insert_or_assign(pair.toTupleRef().elements()[0], pair.toTupleRef().elements()[1]);
      }
    }
    return dict;
  }
  if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
    return rebuild_tensor(items, source);
  }
  if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
    if (items.empty() || !items[0].isTensor()) fail(source, "malformed _rebuild_parameter arguments");
    return items[0];
  }
  if (name.rfind("torch.jit._pickle.", 0) == 0) {
    // LibTorch's pickle_save wraps typed containers: restore_type_tag(value, type), build_*list(list).
    if (items.empty()) fail(source, "malformed " + name + " call");
    return items[0];
  }
  if (name == "torch.device") {
    if (items.empty() || !items[0].isString()) fail(source, "malformed torch.device call");
    return items[0];
  }
  if (name == "_codecs.encode") return latin1_encode(items, source);
  if (name == "numpy.dtype") {
    if (items.empty() || !items[0].isString()) fail(source, "malformed numpy.dtype call");
    return c10::IValue::make_capsule(c10::make_intrusive<NumpyDtype>(items[0].toStringRef()));
  }
  if (name == "numpy.core.multiarray.scalar" || name == "numpy._core.multiarray.scalar") {
    return numpy_scalar(items, source);
  }
  fail(source, "unsupported Python global '" + name + "' (SegOid reads state dicts and SegOid checkpoints)");
}

void build(c10::IValue& object, const c10::IValue& state, const std::string& source) {
  if (object.isGenericDict() || object.isTensor()) return;
  if (object.isCapsule()) {
    if (auto* dtype = dynamic_cast<NumpyDtype*>(object.toCapsule().get())) {
      if (state.isTuple() && state.toTupleRef().elements().size() > 1 && state.toTupleRef().elements()[1].isString()) {
        const std::string& order = state.toTupleRef().elements()[1].toStringRef();
        dtype->byteorder = order.empty() ? '<' : order[0];
      }
      return;
    }
  }
  fail(source, "BUILD on an unsupported object (" + object.tagKind() + ")");
}

}  // namespace segoid::model::detail
