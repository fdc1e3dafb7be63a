// SPDX-License-Identifier: MIT
// The one error hierarchy of SegOid and the always-on precondition check.
#pragma once

#include <stdexcept>
#include <string>

namespace segoid {

/// Base of every SegOid failure that aborts a stage. The message is complete and user-facing.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// A file cannot be read or written, or its content is corrupt or unsupported.
class IoError : public Error {
 public:
  using Error::Error;
};

/// A configuration file or command-line value is unknown, ill-typed or out of range.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// Input data is inconsistent (mismatched sizes, non-binary mask, malformed manifest row).
class DataError : public Error {
 public:
  using Error::Error;
};

/// A model or checkpoint is missing, incompatible, or a run diverged.
class ModelError : public Error {
 public:
  using Error::Error;
};

/// Process exit code for an error type: 2 config/usage, 3 io, 4 data, 5 model, 1 other.
int exit_code_for(const std::exception& error);

}  // namespace segoid

/// Always-on precondition check (unlike assert, survives NDEBUG). Throws segoid::Error.
#define SEGOID_CHECK(cond, msg)                                   \
  do {                                                            \
    if (!(cond)) {                                                \
      throw ::segoid::Error(std::string("internal check failed: ") + (msg)); \
    }                                                             \
  } while (0)
