// SPDX-License-Identifier: MIT
// Maps error types to process exit codes.
#include "segoid/core/error.hpp"

namespace segoid {

int exit_code_for(const std::exception& error) {
  if (dynamic_cast<const ConfigError*>(&error) != nullptr) return 2;
  if (dynamic_cast<const IoError*>(&error) != nullptr) return 3;
  if (dynamic_cast<const DataError*>(&error) != nullptr) return 4;
  if (dynamic_cast<const ModelError*>(&error) != nullptr) return 5;
  return 1;
}

}  // namespace segoid
