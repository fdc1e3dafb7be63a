// SPDX-License-Identifier: MIT
// TensorBoard event files (events.out.tfevents.*): TFRecord framing around Event protobufs, so
// that `tensorboard --logdir` shows SegOid's curves and images. No TensorFlow needed.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace segoid::io {

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of `size` bytes.
std::uint32_t crc32c(const void* data, std::size_t size);
/// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8.
std::uint32_t masked_crc32c(const void* data, std::size_t size);

/// Appends events to `<log_dir>/events.out.tfevents.<unix-time>.<host>`, creating the folder.
/// The first record is the file_version event "brain.Event:2". An event file is an append-only
/// log that TensorBoard reads while it grows, so it is not written through AtomicFile: each record
/// carries its own CRCs and TensorBoard ignores a torn last record. Throws IoError.
class TfEventsWriter {
 public:
  explicit TfEventsWriter(const std::filesystem::path& log_dir);
  ~TfEventsWriter();
  TfEventsWriter(const TfEventsWriter&) = delete;
  TfEventsWriter& operator=(const TfEventsWriter&) = delete;

  /// One scalar (Summary.Value.simple_value, float32) at `step`.
  void add_scalar(const std::string& tag, double value, std::int64_t step);
  /// One image, PNG-encoded: `image` is CV_8UC1 (gray) or CV_8UC3 (BGR, OpenCV's order).
  void add_image(const std::string& tag, const cv::Mat& image, std::int64_t step);
  /// Flushes buffered records to disk (call after each epoch). Throws IoError on failure.
  void flush();
  /// The event file.
  const std::filesystem::path& path() const { return path_; }

 private:
  void write_record(const std::string& data);
  std::filesystem::path path_;
  std::ofstream out_;
};

}  // namespace segoid::io
