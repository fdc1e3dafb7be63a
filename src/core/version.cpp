// SPDX-License-Identifier: MIT
// Version strings from the CMake-generated header.
#include "segoid/core/version.hpp"

#include "segoid/core/git_hash.hpp"
#include "segoid/core/version_info.hpp"

namespace segoid::core {

std::string version() { return SEGOID_VERSION_STRING; }
std::string git_hash() { return SEGOID_GIT_HASH_STRING; }
std::string version_banner() { return "segoid " + version() + " (" + git_hash() + ")"; }

}  // namespace segoid::core
