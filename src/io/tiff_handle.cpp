// SPDX-License-Identifier: MIT
// libtiff handle ownership and routing of libtiff's error/warning messages into IoError text.
#include "tiff_handle.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <fstream>
#include <mutex>

#include "segoid/core/error.hpp"

namespace segoid::io::detail {
namespace fs = std::filesystem;
namespace {

// Messages from libtiff code paths that do not know their TIFF* (or run before it exists) go
// through the global handlers; they land in the current thread's collector.
thread_local TiffMessages* t_current = nullptr;

std::string format_message(const char* module, const char* fmt, va_list ap) {
  std::array<char, 1024> buffer{};
  std::vsnprintf(buffer.data(), buffer.size(), fmt, ap);
  std::string text(buffer.data());
  // libtiff's module is often the function name; it helps a developer, not a user, so keep it
  // only in debug logs.
  spdlog::debug("libtiff {}: {}", module != nullptr ? module : "", text);
  return text;
}

int handle_error(TIFF*, void* user_data, const char* module, const char* fmt, va_list ap) {
  static_cast<TiffMessages*>(user_data)->errors.push_back(format_message(module, fmt, ap));
  return 1;  // handled: libtiff must not call the global handler (which prints to stderr)
}

int handle_warning(TIFF*, void* user_data, const char* module, const char* fmt, va_list ap) {
  static_cast<TiffMessages*>(user_data)->warnings.push_back(format_message(module, fmt, ap));
  return 1;
}

void global_error(thandle_t, const char* module, const char* fmt, va_list ap) {
  std::string text = format_message(module, fmt, ap);
  if (t_current != nullptr) t_current->errors.push_back(std::move(text));
}

void global_warning(thandle_t, const char* module, const char* fmt, va_list ap) {
  std::string text = format_message(module, fmt, ap);
  if (t_current != nullptr) t_current->warnings.push_back(std::move(text));
}

void install_global_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler(nullptr);
    TIFFSetWarningHandler(nullptr);
    TIFFSetErrorHandlerExt(global_error);
    TIFFSetWarningHandlerExt(global_warning);
  });
}

}  // namespace

TiffHandle::TiffHandle(const fs::path& path, const char* mode) : messages_(std::make_unique<TiffMessages>()) {
  install_global_handlers();
  previous_ = t_current;
  t_current = messages_.get();
  TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(options, handle_error, messages_.get());
  TIFFOpenOptionsSetWarningHandlerExtR(options, handle_warning, messages_.get());
  // On POSIX, path.c_str() is the file name's bytes, so spaces and UTF-8 names work as is.
  tif_ = TIFFOpenExt(path.c_str(), mode, options);
  TIFFOpenOptionsFree(options);
  if (tif_ == nullptr) {
    t_current = previous_;
    if (mode[0] == 'w') {
      throw IoError("cannot write \"" + path.string() + "\": " + error_text("libtiff cannot create the file"));
    }
    throw IoError("cannot read \"" + path.string() + "\": not a valid or complete TIFF file (libtiff: " +
                  error_text("no details") + ")");
  }
}

TiffHandle::~TiffHandle() { close(); }

bool TiffHandle::close() {
  if (tif_ != nullptr) {
    const std::size_t before = messages_->errors.size();
    TIFFClose(tif_);
    tif_ = nullptr;
    t_current = previous_;
    return messages_->errors.size() == before;
  }
  return true;
}

std::string TiffHandle::error_text(const std::string& fallback) const {
  if (messages_->errors.empty()) return fallback;
  // libtiff often repeats a message (once per field or strip it touches); say it once.
  std::vector<std::string> unique;
  for (const auto& message : messages_->errors) {
    if (std::find(unique.begin(), unique.end(), message) == unique.end()) unique.push_back(message);
  }
  std::string text;
  for (const auto& message : unique) {
    if (!text.empty()) text += "; ";
    text += message;
  }
  return text;
}

void throw_read_error(const fs::path& path, const std::string& problem) {
  throw IoError("cannot read \"" + path.string() + "\": " + problem);
}

bool has_tiff_signature(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 4> head{};
  if (!in.read(reinterpret_cast<char*>(head.data()), head.size())) return false;
  const bool little = head[0] == 'I' && head[1] == 'I' && head[3] == 0 && (head[2] == 42 || head[2] == 43);
  const bool big = head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43);
  return little || big;
}

}  // namespace segoid::io::detail
