// SPDX-License-Identifier: MIT
// SegOid's version and the git hash it was built from.
#pragma once

#include <string>

namespace segoid::core {

/// "0.1.0".
std::string version();
/// Short git hash of the build, or "unknown".
std::string git_hash();
/// "segoid 0.1.0 (abc1234)".
std::string version_banner();

}  // namespace segoid::core
