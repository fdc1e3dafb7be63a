// SPDX-License-Identifier: MIT
// The path of the built segoid binary, for the tests that run it (e2e and reliability only).
#include "test_support.hpp"

namespace segoid::test {

std::filesystem::path segoid_binary() { return std::filesystem::path(SEGOID_BINARY); }

}  // namespace segoid::test
