// SPDX-License-Identifier: MIT
// Event files read back by an independent TFRecord + protobuf wire-format reader kept here.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include <cstring>
#include <fstream>
#include <map>

#include "segoid/core/error.hpp"
#include "segoid/io/tfevents_writer.hpp"
#include "test_support.hpp"

namespace segoid::io {
namespace {

// Bit-by-bit CRC-32C, independent of the table-driven one under test.
std::uint32_t naive_crc32c(const std::string& bytes) {
  std::uint32_t crc = 0xffffffffu;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return ~crc;
}
std::uint32_t naive_masked(const std::string& bytes) {
  const std::uint32_t c = naive_crc32c(bytes);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

template <typename T>
T read_le(const std::string& s, std::size_t pos) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<unsigned char>(s[pos + i])) << (8 * i);
  return v;
}

// Minimal protobuf wire reader: field number -> raw values (varint/fixed as uint64, bytes as string).
struct Fields {
  std::multimap<int, std::uint64_t> numbers;
  std::multimap<int, std::string> bytes;
};
Fields parse_message(const std::string& m) {
  Fields f;
  std::size_t pos = 0;
  const auto varint = [&]() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<unsigned char>(m.at(pos++));
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
  };
  while (pos < m.size()) {
    const std::uint64_t key = varint();
    const int field = static_cast<int>(key >> 3);
    switch (key & 7) {
      case 0: f.numbers.emplace(field, varint()); break;
      case 1: f.numbers.emplace(field, read_le<std::uint64_t>(m, pos)); pos += 8; break;
      case 5: f.numbers.emplace(field, read_le<std::uint32_t>(m, pos)); pos += 4; break;
      case 2: {
        const auto len = static_cast<std::size_t>(varint());
        f.bytes.emplace(field, m.substr(pos, len));
        pos += len;
        break;
      }
      default: ADD_FAILURE() << "unexpected wire type " << (key & 7); return f;
    }
  }
  return f;
}

struct Record {
  std::int64_t step = 0;
  double wall_time = 0;
  Fields event;
};

std::vector<Record> read_records(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Record> records;
  std::size_t pos = 0;
  while (pos < all.size()) {
    const std::string header = all.substr(pos, 8);
    const auto length = read_le<std::uint64_t>(all, pos);
    EXPECT_EQ(read_le<std::uint32_t>(all, pos + 8), naive_masked(header)) << "length CRC at " << pos;
    const std::string data = all.substr(pos + 12, length);
    EXPECT_EQ(read_le<std::uint32_t>(all, pos + 12 + length), naive_masked(data)) << "data CRC at " << pos;
    pos += 16 + length;
    Record r;
    r.event = parse_message(data);
    const auto step = r.event.numbers.find(2);
    r.step = step == r.event.numbers.end() ? 0 : static_cast<std::int64_t>(step->second);
    const auto wall = r.event.numbers.find(1);
    if (wall != r.event.numbers.end()) std::memcpy(&r.wall_time, &wall->second, 8);
    records.push_back(r);
  }
  EXPECT_EQ(pos, all.size());
  return records;
}

TEST(TfEventsWriterTest, CrcMatchesKnownVector) {
  // RFC 3720 (iSCSI) test vector: CRC-32C of "123456789" is 0xE3069283.
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(naive_crc32c("123456789"), 0xE3069283u);
}

TEST(TfEventsWriterTest, ScalarsAndImagesReadBack) {
  test::TempDir dir;
  std::filesystem::path file;
  cv::Mat panel(6, 9, CV_8UC3);
  cv::randu(panel, 0, 255);
  {
    TfEventsWriter writer(dir / "tensorboard");
    file = writer.path();
    writer.add_scalar("loss/train", 0.25, 1);
    writer.add_scalar("dice/val", 0.875, 2);
    writer.add_image("samples/0", panel, 2);
    writer.flush();
  }
  EXPECT_EQ(file.parent_path(), dir / "tensorboard");
  EXPECT_EQ(file.filename().string().rfind("events.out.tfevents.", 0), 0u);
  const std::vector<Record> records = read_records(file);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].event.bytes.find(3)->second, "brain.Event:2");
  EXPECT_GT(records[0].wall_time, 1.6e9);

  const auto scalar = [&](const Record& r, const std::string& tag, float value, std::int64_t step) {
    EXPECT_EQ(r.step, step);
    const Fields summary = parse_message(r.event.bytes.find(5)->second);
    const Fields v = parse_message(summary.bytes.find(1)->second);
    EXPECT_EQ(v.bytes.find(1)->second, tag);
    float got = 0;
    const auto raw = static_cast<std::uint32_t>(v.numbers.find(2)->second);
    std::memcpy(&got, &raw, 4);
    EXPECT_EQ(got, value);
  };
  scalar(records[1], "loss/train", 0.25f, 1);
  scalar(records[2], "dice/val", 0.875f, 2);

  EXPECT_EQ(records[3].step, 2);
  const Fields summary = parse_message(records[3].event.bytes.find(5)->second);
  const Fields value = parse_message(summary.bytes.find(1)->second);
  EXPECT_EQ(value.bytes.find(1)->second, "samples/0");
  const Fields image = parse_message(value.bytes.find(4)->second);
  EXPECT_EQ(image.numbers.find(1)->second, 6u);  // height
  EXPECT_EQ(image.numbers.find(2)->second, 9u);  // width
  EXPECT_EQ(image.numbers.find(3)->second, 3u);  // RGB
  const std::string png = image.bytes.find(4)->second;
  const cv::Mat decoded = cv::imdecode(std::vector<unsigned char>(png.begin(), png.end()), cv::IMREAD_COLOR);
  ASSERT_EQ(decoded.size(), panel.size());
  EXPECT_EQ(cv::norm(decoded, panel, cv::NORM_INF), 0.0);
}

TEST(TfEventsWriterTest, TwoWritersInOneFolderUseTwoFiles) {
  test::TempDir dir;
  TfEventsWriter a(dir.path());
  TfEventsWriter b(dir.path());
  EXPECT_NE(a.path(), b.path());
}

TEST(TfEventsWriterTest, RejectsNon8BitImages) {
  test::TempDir dir;
  TfEventsWriter writer(dir.path());
  EXPECT_THROW(writer.add_image("x", cv::Mat(4, 4, CV_32FC1, cv::Scalar(0.5)), 0), IoError);
}

}  // namespace
}  // namespace segoid::io
