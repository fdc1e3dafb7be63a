// SPDX-License-Identifier: MIT
// The words an enum is written as in files and on the command line, listed once per enum.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "segoid/core/error.hpp"

namespace segoid::core {

/// Each value of `Enum` with its word, e.g. {{Stratify::kNone, "none"}, {Stratify::kCoverage, "coverage"}}.
template <class Enum>
class EnumWords {
 public:
  EnumWords(std::initializer_list<std::pair<Enum, const char*>> words) : words_(words) {}

  /// The word of `value`.
  std::string word(Enum value) const {
    for (const auto& [known, word] : words_) {
      if (known == value) return word;
    }
    throw Error("EnumWords: a value without a word");
  }

  /// The value of `text`; throws ConfigError "unknown <what> \"text\": expected \"a\" or \"b\"".
  Enum parse(const std::string& text, const std::string& what) const {
    std::string expected;
    for (std::size_t i = 0; i < words_.size(); ++i) {
      if (text == words_[i].second) return words_[i].first;
      expected += std::string(i == 0 ? "" : i + 1 == words_.size() ? " or " : ", ") + "\"" + words_[i].second + "\"";
    }
    throw ConfigError("unknown " + what + " \"" + text + "\": expected " + expected);
  }

 private:
  std::vector<std::pair<Enum, const char*>> words_;
};

}  // namespace segoid::core
