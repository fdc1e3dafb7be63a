// SPDX-License-Identifier: MIT
// A pickler for torch.save zip archives that Python's torch.load opens, using weights_only-allowed globals only.
#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <functional>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/torch_pickle.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;

/// Writes protocol 2 as torch.save does, with only the globals that torch.load(weights_only=True)
/// allows: collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.<Type>Storage.
/// (LibTorch's own pickle_save tags every typed list and dict with torch.jit._pickle globals,
/// which weights_only refuses.)
class Pickler {
 public:
  explicit Pickler(std::string what) : what_(std::move(what)) {}

  std::string run(const c10::IValue& value) {
    out_ += "\x80\x02";  // PROTO 2
    push(value, 0);
    out_ += '.';  // STOP
    return out_;
  }

  /// Storages by record key ("0", "1", ...), each a contiguous CPU tensor.
  const std::vector<at::Tensor>& storages() const { return storages_; }

 private:
  static constexpr int kMaxDepth = 64;

  void global(const char* module, const char* name) {
    out_ += 'c';
    out_ += module;
    out_ += '\n';
    out_ += name;
    out_ += '\n';
  }

  template <typename T>
  void raw(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));  // little-endian host, as torch itself assumes
    out_.append(bytes, sizeof(T));
  }

  void integer(int64_t v) {
    if (v >= INT32_MIN && v <= INT32_MAX) {
      out_ += 'J';  // BININT
      raw(static_cast<int32_t>(v));
    } else {
      out_ += '\x8a';  // LONG1, 8 bytes two's complement
      out_ += '\x08';
      raw(v);
    }
  }

  void text(const std::string& s) {
    out_ += 'X';  // BINUNICODE (the caller's strings are UTF-8)
    raw(static_cast<uint32_t>(s.size()));
    out_ += s;
  }

  void real(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    out_ += 'G';  // BINFLOAT, big-endian
    raw(__builtin_bswap64(bits));
  }

  static const char* storage_class(c10::ScalarType type) {
    switch (type) {
      case at::kFloat: return "FloatStorage";
      case at::kDouble: return "DoubleStorage";
      case at::kHalf: return "HalfStorage";
      case at::kBFloat16: return "BFloat16Storage";
      case at::kLong: return "LongStorage";
      case at::kInt: return "IntStorage";
      case at::kShort: return "ShortStorage";
      case at::kChar: return "CharStorage";
      case at::kByte: return "ByteStorage";
      case at::kBool: return "BoolStorage";
      default: return nullptr;
    }
  }

  /// _rebuild_tensor_v2(('storage', torch.<Type>Storage, key, 'cpu', numel), 0, size, stride, False, OrderedDict()).
  void tensor(const at::Tensor& t) {
    const at::Tensor cpu = t.detach().to(at::kCPU).contiguous().clone();
    const char* storage = storage_class(cpu.scalar_type());
    if (storage == nullptr) throw ModelError("cannot write " + what_ + ": tensor of unsupported type " +
                                             std::string(c10::toString(cpu.scalar_type())));
    const std::string key = std::to_string(storages_.size());
    storages_.push_back(cpu);
    global("torch._utils", "_rebuild_tensor_v2");
    out_ += '(';  // MARK: the argument tuple
    out_ += '(';  // MARK: the persistent id
    text("storage");
    global("torch", storage);
    text(key);
    text("cpu");
    integer(cpu.numel());
    out_ += 't';  // TUPLE
    out_ += 'Q';  // BINPERSID
    integer(0);
    int_tuple(cpu.sizes());
    int_tuple(cpu.strides());
    out_ += '\x89';  // NEWFALSE: requires_grad
    global("collections", "OrderedDict");
    out_ += ')';  // EMPTY_TUPLE
    out_ += 'R';  // REDUCE: backward_hooks
    out_ += 't';
    out_ += 'R';
  }

  void int_tuple(c10::IntArrayRef values) {
    out_ += '(';
    for (const int64_t v : values) integer(v);
    out_ += 't';
  }

  void push(const c10::IValue& v, int depth) {
    if (depth > kMaxDepth) throw ModelError("cannot write " + what_ + ": value nested too deeply");
    if (v.isNone()) {
      out_ += 'N';
    } else if (v.isBool()) {
      out_ += v.toBool() ? '\x88' : '\x89';
    } else if (v.isInt()) {
      integer(v.toInt());
    } else if (v.isDouble()) {
      real(v.toDouble());
    } else if (v.isString()) {
      text(v.toStringRef());
    } else if (v.isTensor()) {
      tensor(v.toTensor());
    } else if (v.isTuple()) {
      out_ += '(';
      for (const auto& item : v.toTupleRef().elements()) push(item, depth + 1);
      out_ += 't';
    } else if (v.isList()) {
      out_ += ']';  // EMPTY_LIST, then APPEND per item
      for (const auto& item : v.toListRef()) {
        push(item, depth + 1);
        out_ += 'a';
      }
    } else if (v.isGenericDict()) {
      out_ += '}';  // EMPTY_DICT, then SETITEM per entry (insertion order kept)
      for (const auto& item : v.toGenericDict()) {
        push(item.key(), depth + 1);
        push(item.value(), depth + 1);
        out_ += 's';
      }
    } else {
      throw ModelError("cannot write " + what_ + ": unsupported value " + v.tagKind());
    }
  }

  std::string what_;
  std::string out_;
  std::vector<at::Tensor> storages_;
};

/// Runs the pickler and writes the archive records through `sink`, which must accept every byte
/// (a failed write is reported by the caller afterwards: PyTorchStreamWriter would throw again from
/// its destructor while unwinding, which ends the process; found on a full disk).
void write_archive(const c10::IValue& value, const std::string& what,
                   const std::function<size_t(const void*, size_t)>& sink) {
  Pickler pickler(what);
  const std::string program = pickler.run(value);
  try {
    caffe2::serialize::PyTorchStreamWriter writer(sink);
    writer.writeRecord("data.pkl", program.data(), program.size());
    writer.writeRecord("byteorder", "little", std::strlen("little"));
    const std::vector<at::Tensor>& storages = pickler.storages();
    for (size_t key = 0; key < storages.size(); ++key) {
      const at::Tensor& t = storages[key];
      writer.writeRecord("data/" + std::to_string(key), t.data_ptr(), t.nbytes());
    }
    writer.writeEndOfFile();
  } catch (const c10::Error& e) {
    std::string reason = e.what_without_backtrace();
    throw IoError("cannot write " + what + ": " + reason.substr(0, reason.find('\n')));
  }
}

}  // namespace

std::string torch_save_bytes(const c10::IValue& value, const std::string& what) {
  std::string archive;
  write_archive(value, what, [&archive](const void* data, size_t n) -> size_t {
    archive.append(static_cast<const char*>(data), n);
    return n;
  });
  return archive;
}

void write_torch_file(const fs::path& path, const c10::IValue& value) {
  const std::string what = "\"" + path.string() + "\"";
  core::AtomicFile file(path);
  std::ofstream& out = file.stream();
  bool write_failed = false;
  const auto no_space_hint = [&] {
    std::error_code ec;
    const auto space = fs::space(file.temp_path().parent_path(), ec);
    constexpr std::uintmax_t kNearlyFull = std::uintmax_t{1} << 20;
    return !ec && space.available < kNearlyFull ? std::string(" (no space left on the device)") : std::string();
  };
  try {
    write_archive(value, what, [&out, &write_failed](const void* data, size_t n) -> size_t {
      if (!write_failed) {
        out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
        write_failed = !out;
      }
      return n;
    });
  } catch (const IoError& e) {
    throw IoError(std::string(e.what()) + no_space_hint());
  }
  if (write_failed) throw IoError("cannot write " + what + ": write failed" + no_space_hint());
  file.commit();
}

}  // namespace segoid::model
