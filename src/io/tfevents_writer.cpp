// SPDX-License-Identifier: MIT
// TFRecord-framed TensorBoard events through libprotobuf.
#include "segoid/io/tfevents_writer.hpp"

#include <unistd.h>

#include <opencv2/imgcodecs.hpp>

#include <array>
#include <chrono>
#include <system_error>
#include <vector>

#include "segoid/core/error.hpp"
#include "tensorboard_event.pb.h"

namespace segoid::io {
namespace {

constexpr std::uint32_t kCrc32cPolynomial = 0x82F63B78u;  // reflected Castagnoli
constexpr std::uint32_t kCrcMaskDelta = 0xa282ead8u;
constexpr int kColorspaceGray = 1;
constexpr int kColorspaceRgb = 3;

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) ? (crc >> 1) ^ kCrc32cPolynomial : crc >> 1;
    table[i] = crc;
  }
  return table;
}

double unix_time_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string host_name() {
  std::array<char, 256> buffer{};
  if (::gethostname(buffer.data(), buffer.size() - 1) != 0) return "localhost";
  return std::string(buffer.data());
}

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t size) {
  static const std::array<std::uint32_t, 256> table = make_crc_table();
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::uint32_t crc = 0xffffffffu;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ bytes[i]) & 0xffu] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

std::uint32_t masked_crc32c(const void* data, std::size_t size) {
  const std::uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + kCrcMaskDelta;
}

TfEventsWriter::TfEventsWriter(const std::filesystem::path& log_dir) {
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  if (ec) throw IoError("cannot create TensorBoard folder \"" + log_dir.string() + "\": " + ec.message());
  const double now = unix_time_now();
  const std::string stem =
      "events.out.tfevents." + std::to_string(static_cast<long long>(now)) + "." + host_name();
  path_ = log_dir / stem;
  // Two writers in one folder in the same second (a quickly resumed run) must not share a file.
  for (int n = 2; std::filesystem::exists(path_); ++n) path_ = log_dir / (stem + "." + std::to_string(n));
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw IoError("cannot create TensorBoard event file \"" + path_.string() + "\"");
  segoid::tensorboard::Event event;
  event.set_wall_time(now);
  event.set_step(0);
  event.set_file_version("brain.Event:2");
  write_record(event.SerializeAsString());
  flush();
}

TfEventsWriter::~TfEventsWriter() {
  out_.flush();  // no throw from a destructor; earlier flush() calls report failures
}

void TfEventsWriter::write_record(const std::string& data) {
  std::string header;
  put_le(header, data.size(), 8);
  std::string frame = header;
  put_le(frame, masked_crc32c(header.data(), header.size()), 4);
  frame += data;
  put_le(frame, masked_crc32c(data.data(), data.size()), 4);
  out_.write(frame.data(), static_cast<std::streamsize>(frame.size()));
  if (!out_) throw IoError("cannot write TensorBoard event file \"" + path_.string() + "\"");
}

void TfEventsWriter::add_scalar(const std::string& tag, double value, std::int64_t step) {
  segoid::tensorboard::Event event;
  event.set_wall_time(unix_time_now());
  event.set_step(step);
  auto* v = event.mutable_summary()->add_value();
  v->set_tag(tag);
  v->set_simple_value(static_cast<float>(value));
  write_record(event.SerializeAsString());
}

void TfEventsWriter::add_image(const std::string& tag, const cv::Mat& image, std::int64_t step) {
  if (image.empty() || image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3)) {
    throw IoError("TensorBoard image '" + tag + "' must be 8-bit gray or BGR, got OpenCV type " +
                  std::to_string(image.type()));
  }
  std::vector<unsigned char> png;
  if (!cv::imencode(".png", image, png)) throw IoError("cannot PNG-encode TensorBoard image '" + tag + "'");
  segoid::tensorboard::Event event;
  event.set_wall_time(unix_time_now());
  event.set_step(step);
  auto* v = event.mutable_summary()->add_value();
  v->set_tag(tag);
  auto* img = v->mutable_image();
  img->set_height(image.rows);
  img->set_width(image.cols);
  img->set_colorspace(image.channels() == 1 ? kColorspaceGray : kColorspaceRgb);
  img->set_encoded_image_string(std::string(png.begin(), png.end()));
  write_record(event.SerializeAsString());
}

void TfEventsWriter::flush() {
  out_.flush();
  if (!out_) throw IoError("cannot flush TensorBoard event file \"" + path_.string() + "\"");
}

}  // namespace segoid::io
