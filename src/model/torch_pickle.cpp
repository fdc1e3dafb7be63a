// SPDX-License-Identifier: MIT
// Unpickler for torch.save archives: the opcodes and globals that state dicts and checkpoints use.
#include "segoid/model/torch_pickle.hpp"

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "segoid/core/error.hpp"
#include "segoid/core/input_limits.hpp"
#include "segoid/io/zip_directory.hpp"
#include "torch_pickle_globals.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;
using detail::PickleGlobal;

/// Pickle opcodes (Python's Lib/pickle.py names).
enum Opcode : uint8_t {
  kMark = '(', kStop = '.', kPop = '0', kPopMark = '1', kDup = '2', kBinInt = 'J', kBinInt1 = 'K',
  kBinInt2 = 'M', kNone = 'N', kBinPersId = 'Q', kReduce = 'R', kBinUnicode = 'X', kAppend = 'a',
  kBuild = 'b', kGlobal = 'c', kDict = 'd', kEmptyDict = '}', kAppends = 'e', kBinGet = 'h',
  kLongBinGet = 'j', kList = 'l', kEmptyList = ']', kBinPut = 'q', kLongBinPut = 'r', kSetItem = 's',
  kTuple = 't', kEmptyTuple = ')', kSetItems = 'u', kBinFloat = 'G', kBinBytes = 'B', kShortBinBytes = 'C',
  kProto = 0x80, kNewObj = 0x81, kTuple1 = 0x85, kTuple2 = 0x86, kTuple3 = 0x87, kNewTrue = 0x88,
  kNewFalse = 0x89, kLong1 = 0x8a, kLong4 = 0x8b, kShortBinUnicode = 0x8c, kBinUnicode8 = 0x8d,
  kBinBytes8 = 0x8e, kEmptySet = 0x8f, kAddItems = 0x90, kFrozenSet = 0x91, kStackGlobal = 0x93,
  kMemoize = 0x94, kFrame = 0x95,
};

constexpr size_t kMaxIntBytes = 8;

class Unpickler {
 public:
  Unpickler(const PickleRecordLoader& load_record, std::string source)
      : load_record_(load_record), source_(std::move(source)), limits_(core::input_limits()) {}

  c10::IValue run(const char* data, size_t size) {
    data_ = data;
    size_ = size;
    pos_ = 0;
    while (true) {
      const size_t op_pos = pos_;
      const uint8_t op = read<uint8_t>();
      if (op == kStop) break;
      step(op, op_pos);
    }
    if (stack_.size() != 1) fail("pickle ends with " + std::to_string(stack_.size()) + " values on the stack");
    return stack_.back();
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ModelError("cannot read \"" + source_ + "\": " + what);
  }

  template <typename T>
  T read() {
    if (pos_ + sizeof(T) > size_) fail("pickle truncated at byte " + std::to_string(pos_));
    T value;
    std::memcpy(&value, data_ + pos_, sizeof(T));  // little-endian host, as torch itself assumes
    pos_ += sizeof(T);
    return value;
  }

  std::string read_bytes(uint64_t n) {
    if (n > size_ - pos_) fail("pickle truncated at byte " + std::to_string(pos_));
    std::string text(data_ + pos_, n);
    pos_ += n;
    return text;
  }

  std::string read_line() {
    const void* newline = std::memchr(data_ + pos_, '\n', size_ - pos_);
    if (newline == nullptr) fail("pickle truncated in GLOBAL at byte " + std::to_string(pos_));
    std::string line = read_bytes(static_cast<const char*>(newline) - (data_ + pos_));
    ++pos_;
    return line;
  }

  int64_t read_long(size_t n) {
    if (n > kMaxIntBytes) fail("integer of " + std::to_string(n) + " bytes is too large");
    const std::string bytes = read_bytes(n);
    uint64_t value = 0;
    for (size_t i = 0; i < n; ++i) value |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
    if (n > 0 && n < kMaxIntBytes && (static_cast<uint8_t>(bytes[n - 1]) & 0x80)) value |= ~uint64_t{0} << (8 * n);
    return static_cast<int64_t>(value);
  }

  c10::IValue pop() {
    if (stack_.empty()) fail("pickle stack underflow at byte " + std::to_string(pos_));
    if (!marks_.empty() && stack_.size() <= marks_.back()) fail("pickle pops past a MARK at byte " + std::to_string(pos_));
    c10::IValue value = std::move(stack_.back());
    stack_.pop_back();
    return value;
  }

  c10::IValue& top() {
    if (stack_.empty()) fail("pickle stack underflow at byte " + std::to_string(pos_));
    return stack_.back();
  }

  /// Values above the last MARK, removing them and the mark.
  std::vector<c10::IValue> pop_to_mark() {
    if (marks_.empty()) fail("pickle MARK missing at byte " + std::to_string(pos_));
    const size_t mark = marks_.back();
    marks_.pop_back();
    if (mark > stack_.size()) fail("pickle MARK lost at byte " + std::to_string(pos_));
    std::vector<c10::IValue> items(std::make_move_iterator(stack_.begin() + mark),
                                   std::make_move_iterator(stack_.end()));
    stack_.resize(mark);
    return items;
  }

  void set_item(c10::IValue& dict, c10::IValue key, c10::IValue value) {
    if (!dict.isGenericDict()) fail("SETITEM on a " + dict.tagKind() + " at byte " + std::to_string(pos_));
    // Only keys c10's dict can hash (its hash throws from a noexcept path otherwise: std::terminate).
    if (!detail::is_dict_key(key)) {
      fail("unsupported dict key type " + key.tagKind() + " at byte " + std::to_string(pos_));
    }
    nest(dict, value);
    dict.toGenericDict().insert_or_assign(std::move(key), std::move(value));
  }

  void append(c10::IValue& list, c10::IValue value) {
    if (!list.isList()) fail("APPEND on a " + list.tagKind() + " at byte " + std::to_string(pos_));
    nest(list, value);
    list.toList().push_back(std::move(value));
  }

  // Nesting is tracked per container so that a hostile pickle can neither build a structure deep
  // enough to overflow the C++ stack when it is destroyed or walked, nor a cycle (which would
  // leak and make every walk endless): a container is sealed once placed in another one, and a
  // sealed container is never changed again. Python writes state dicts so (children complete
  // before their parent takes them); only self-referencing objects need more, and those are refused.
  struct Nesting {
    int depth = 1;
    bool sealed = false;
    c10::IValue keep_alive;  // the address stays this container's for as long as it is tracked
  };

  static bool is_container(const c10::IValue& v) { return v.isList() || v.isGenericDict() || v.isTuple(); }

  Nesting& nesting(const c10::IValue& container) {
    auto [it, inserted] = nesting_.try_emplace(container.internalToPointer());
    if (inserted) it->second.keep_alive = container;
    return it->second;
  }

  int depth_of(const c10::IValue& v) { return is_container(v) ? nesting(v).depth : 0; }

  /// Records that `parent` takes `child`; fails for a cycle, a sealed parent or too deep a nest.
  void nest(const c10::IValue& parent, const c10::IValue& child) {
    Nesting& p = nesting(parent);
    if (p.sealed) fail("pickle changes a container after nesting it (recursive objects are not supported) at byte " +
                       std::to_string(pos_));
    if (!is_container(child)) return;
    if (child.internalToPointer() == parent.internalToPointer()) {
      fail("pickle puts a container inside itself at byte " + std::to_string(pos_));
    }
    Nesting& c = nesting(child);
    c.sealed = true;
    p.depth = std::max(p.depth, c.depth + 1);
    if (p.depth > limits_.max_pickle_depth) {
      fail("pickle nests containers deeper than " + std::to_string(limits_.max_pickle_depth) + " levels");
    }
  }

  c10::IValue memo_get(uint32_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) fail("pickle memo " + std::to_string(index) + " missing");
    return it->second;
  }

  void memo_put(uint32_t index) {
    if (memo_.size() >= limits_.max_pickle_memo && memo_.count(index) == 0) {
      fail("pickle memo grows beyond " + std::to_string(limits_.max_pickle_memo) + " entries");
    }
    memo_[index] = top();
  }

  c10::IValue tuple(std::vector<c10::IValue> items) {
    c10::IValue t = c10::ivalue::Tuple::create(items);
    for (const auto& item : items) nest(t, item);
    nesting(t).sealed = true;  // tuples are immutable
    return t;
  }
  static c10::IValue new_dict() { return c10::impl::GenericDict(c10::AnyType::get(), c10::AnyType::get()); }
  static c10::IValue new_list() { return c10::impl::GenericList(c10::AnyType::get()); }

  /// A storage's bytes (record data/<key>) as a flat tensor of its dtype, shared by all its views.
  c10::IValue storage(const c10::IValue& pid) {
    if (!pid.isTuple()) fail("persistent id is not a tuple");
    const auto& items = pid.toTupleRef().elements();
    if (items.size() < 5 || !items[0].isString() || items[0].toStringRef() != "storage" || !items[2].isString()) {
      fail("persistent id is not a ('storage', type, key, location, numel) tuple");
    }
    const std::string key = items[2].toStringRef();
    const auto cached = storages_.find(key);
    if (cached != storages_.end()) return cached->second;
    const c10::ScalarType dtype = detail::storage_dtype(items[1], source_);
    auto [data_ptr, nbytes] = load_record_("data/" + key);
    const int64_t item_size = static_cast<int64_t>(c10::elementSize(dtype));
    if (static_cast<int64_t>(nbytes) % item_size != 0) fail("storage data/" + key + " has a partial element");
    c10::Storage bytes(c10::Storage::use_byte_size_t(), nbytes, std::move(data_ptr), /*allocator=*/nullptr,
                       /*resizable=*/false);
    at::Tensor flat = at::empty({0}, at::TensorOptions().dtype(dtype));
    flat.set_(bytes, /*storage_offset=*/0, {static_cast<int64_t>(nbytes) / item_size}, {1});
    storages_.emplace(key, flat);
    return flat;
  }

  void step(uint8_t op, size_t op_pos) {
    switch (op) {
      case kProto: read<uint8_t>(); break;
      case kFrame: read<uint64_t>(); break;
      case kMark: marks_.push_back(stack_.size()); break;
      case kPop: pop(); break;
      case kPopMark: pop_to_mark(); break;
      case kDup: stack_.push_back(top()); break;
      case kNone: stack_.emplace_back(); break;
      case kNewTrue: stack_.emplace_back(true); break;
      case kNewFalse: stack_.emplace_back(false); break;
      case kBinInt: stack_.emplace_back(static_cast<int64_t>(read<int32_t>())); break;
      case kBinInt1: stack_.emplace_back(static_cast<int64_t>(read<uint8_t>())); break;
      case kBinInt2: stack_.emplace_back(static_cast<int64_t>(read<uint16_t>())); break;
      case kLong1: stack_.emplace_back(read_long(read<uint8_t>())); break;
      case kLong4: stack_.emplace_back(read_long(read<uint32_t>())); break;
      case kBinFloat: {
        uint64_t bits = read<uint64_t>();
        bits = __builtin_bswap64(bits);  // big-endian on disk
        double value;
        std::memcpy(&value, &bits, sizeof(value));
        stack_.emplace_back(value);
        break;
      }
      case kShortBinUnicode: case kShortBinBytes: stack_.emplace_back(read_bytes(read<uint8_t>())); break;
      case kBinUnicode: case kBinBytes: stack_.emplace_back(read_bytes(read<uint32_t>())); break;
      case kBinUnicode8: case kBinBytes8: stack_.emplace_back(read_bytes(read<uint64_t>())); break;
      case kEmptyDict: stack_.push_back(new_dict()); break;
      case kEmptyList: case kEmptySet: stack_.push_back(new_list()); break;
      case kEmptyTuple: stack_.push_back(tuple({})); break;
      case kTuple: stack_.push_back(tuple(pop_to_mark())); break;
      case kTuple1: { auto a = pop(); stack_.push_back(tuple({a})); break; }
      case kTuple2: { auto b = pop(); auto a = pop(); stack_.push_back(tuple({a, b})); break; }
      case kTuple3: { auto c = pop(); auto b = pop(); auto a = pop(); stack_.push_back(tuple({a, b, c})); break; }
      case kList: case kFrozenSet: {
        auto items = pop_to_mark();
        c10::IValue list = new_list();
        for (auto& item : items) append(list, std::move(item));
        stack_.push_back(list);
        break;
      }
      case kDict: {
        auto items = pop_to_mark();
        c10::IValue dict = new_dict();
        for (size_t i = 0; i + 1 < items.size(); i += 2) set_item(dict, items[i], items[i + 1]);
        stack_.push_back(dict);
        break;
      }
      case kSetItem: { auto value = pop(); auto key = pop(); set_item(top(), key, value); break; }
      case kSetItems: {
        auto items = pop_to_mark();
        if (items.size() % 2 != 0) fail("SETITEMS with an odd number of values");
        for (size_t i = 0; i < items.size(); i += 2) set_item(top(), items[i], items[i + 1]);
        break;
      }
      case kAppend: { auto value = pop(); append(top(), value); break; }
      case kAppends: case kAddItems: {
        auto items = pop_to_mark();
        for (auto& item : items) append(top(), std::move(item));
        break;
      }
      case kBinPut: memo_put(read<uint8_t>()); break;
      case kLongBinPut: memo_put(read<uint32_t>()); break;
      case kMemoize: memo_put(static_cast<uint32_t>(memo_.size())); break;
      case kBinGet: stack_.push_back(memo_get(read<uint8_t>())); break;
      case kLongBinGet: stack_.push_back(memo_get(read<uint32_t>())); break;
      case kGlobal: {
        std::string module = read_line();
        std::string name = read_line();
        stack_.push_back(detail::make_global(module, name));
        break;
      }
      case kStackGlobal: {
        const auto name = pop();
        const auto module = pop();
        if (!name.isString() || !module.isString()) fail("STACK_GLOBAL needs two strings");
        stack_.push_back(detail::make_global(module.toStringRef(), name.toStringRef()));
        break;
      }
      case kReduce: case kNewObj: {
        auto args = pop();
        auto callable = pop();
        c10::IValue result = detail::call_global(callable, args, source_);
        // A rebuilt container (OrderedDict of pairs) holds values of `args`: one level deeper at most.
        if (is_container(result)) {
          Nesting& n = nesting(result);
          n.depth = std::max(n.depth, depth_of(args) + 1);
          if (n.depth > limits_.max_pickle_depth) {
            fail("pickle nests containers deeper than " + std::to_string(limits_.max_pickle_depth) + " levels");
          }
        }
        stack_.push_back(result);
        break;
      }
      case kBuild: { auto state = pop(); detail::build(top(), state, source_); break; }
      case kBinPersId: stack_.push_back(storage(pop())); break;
      default: {
        char hex[8];
        std::snprintf(hex, sizeof(hex), "0x%02x", op);
        const std::string printable = (op >= 0x20 && op < 0x7f) ? std::string(" '") + static_cast<char>(op) + "'" : "";
        fail("unsupported pickle opcode " + std::string(hex) + printable + " at byte " + std::to_string(op_pos));
      }
    }
  }

  const PickleRecordLoader& load_record_;
  std::string source_;
  core::InputLimits limits_;
  std::unordered_map<const void*, Nesting> nesting_;
  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  std::vector<c10::IValue> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint32_t, c10::IValue> memo_;
  std::map<std::string, c10::IValue> storages_;
};

bool starts_with_zip_magic(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, sizeof(magic));
  return in.gcount() == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0;
}

/// Refuses an archive whose directory declares a record that could exhaust memory on extraction.
void check_record_sizes(const std::vector<io::ZipEntry>& entries, std::uint64_t archive_size, const std::string& source) {
  const std::uint64_t max_bytes = core::input_limits().max_record_bytes;
  for (const io::ZipEntry& entry : entries) {
    const std::string problem = io::zip_entry_size_problem(entry, archive_size, max_bytes);
    if (!problem.empty()) throw ModelError("cannot read \"" + source + "\": " + problem + "; refused before reading");
  }
}

c10::IValue unpickle_archive(caffe2::serialize::PyTorchStreamReader& reader, const std::string& source) {
  if (!reader.hasRecord("data.pkl")) throw ModelError("cannot read \"" + source + "\": archive has no data.pkl");
  auto [data, size] = reader.getRecord("data.pkl");
  const PickleRecordLoader load = [&reader](const std::string& name) { return reader.getRecord(name); };
  return unpickle(static_cast<const char*>(data.get()), size, load, source);
}

std::string corrupt_archive(const std::string& source, const c10::Error& e) {
  return "cannot read \"" + source + "\": corrupt torch archive (" +
         std::string(e.what_without_backtrace()).substr(0, 300) + ")";
}

}  // namespace

c10::IValue unpickle(const char* data, std::size_t size, const PickleRecordLoader& load_record,
                     const std::string& source) {
  Unpickler unpickler(load_record, source);
  return unpickler.run(data, size);
}

c10::IValue read_torch_file(const fs::path& path) {
  const std::string source = path.string();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw ModelError("cannot read \"" + source + "\": no such file");
  if (!starts_with_zip_magic(path)) {
    throw ModelError("cannot read \"" + source +
                     "\": not a torch.save zip archive (legacy torch<1.6 format or not a PyTorch file); "
                     "re-save it with torch.save(obj, path) from a current PyTorch");
  }
  try {
    check_record_sizes(io::read_zip_directory(path), fs::file_size(path), source);
  } catch (const IoError& e) {
    throw ModelError(e.what());
  }
  try {
    caffe2::serialize::PyTorchStreamReader reader(source);
    return unpickle_archive(reader, source);
  } catch (const c10::Error& e) {
    throw ModelError(corrupt_archive(source, e));
  }
}

c10::IValue read_torch_bytes(const std::string& bytes, const std::string& source) {
  if (bytes.size() < 4 || std::memcmp(bytes.data(), "PK\x03\x04", 4) != 0) {
    throw ModelError("cannot read \"" + source + "\": not a torch.save zip archive");
  }
  try {
    check_record_sizes(io::read_zip_directory(bytes, source), bytes.size(), source);
  } catch (const IoError& e) {
    throw ModelError(e.what());
  }
  try {
    std::istringstream in(bytes);
    caffe2::serialize::PyTorchStreamReader reader(&in);
    return unpickle_archive(reader, source);
  } catch (const c10::Error& e) {
    throw ModelError(corrupt_archive(source, e));
  }
}

StateDict state_dict_from_value(const c10::IValue& value, const std::string& what) {
  if (!value.isGenericDict()) throw ModelError(what + " is a " + value.tagKind() + ", expected a state dict");
  StateDict entries;
  for (const auto& item : value.toGenericDict()) {
    if (!item.key().isString()) throw ModelError(what + " has a non-string key: not a state dict");
    if (item.value().isTensor()) entries.emplace_back(item.key().toStringRef(), item.value().toTensor());
  }
  return entries;
}

StateDict read_state_dict(const fs::path& path, const std::string& key) {
  const c10::IValue root = read_torch_file(path);
  const std::string where = "\"" + path.string() + "\"";
  if (key.empty()) return state_dict_from_value(root, where);
  if (!root.isGenericDict()) {
    throw ModelError(where + " holds a " + root.tagKind() + ", expected a dict with '" + key + "'");
  }
  const auto dict = root.toGenericDict();
  const auto it = dict.find(c10::IValue(key));
  if (it == dict.end()) throw ModelError(where + " has no key '" + key + "'");
  return state_dict_from_value(it->value(), where + "['" + key + "']");
}

bool is_torch_save_archive(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || !starts_with_zip_magic(path)) return false;
  try {
    caffe2::serialize::PyTorchStreamReader reader(path.string());
    return reader.hasRecord("data.pkl") && !reader.hasRecord("constants.pkl");
  } catch (const c10::Error&) {
    return false;
  }
}

}  // namespace segoid::model
