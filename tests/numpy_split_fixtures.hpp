// SPDX-License-Identifier: MIT
// Reads tests/fixtures/numpy_splits/expected.txt, what NumPy, pandas and scikit-learn give for the
// Python SegOid's shuffles (written once by tests/data/make_numpy_split_fixtures.py).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace segoid::test {

/// The records of one kind ("perm", "sample", "kfold", "split"), each as its fields after the
/// kind. Fails the test when the fixture file is missing.
inline std::vector<std::vector<std::string>> numpy_split_records(const std::string& kind) {
  std::ifstream in(source_dir() / "tests" / "fixtures" / "numpy_splits" / "expected.txt");
  EXPECT_TRUE(in.good()) << "missing tests/fixtures/numpy_splits/expected.txt";
  std::vector<std::vector<std::string>> records;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string first;
    fields >> first;
    if (first != kind) continue;
    std::vector<std::string> record;
    for (std::string field; fields >> field;) record.push_back(field);
    records.push_back(record);
  }
  return records;
}

/// A comma-separated list of integers ("-" = empty).
inline std::vector<std::int64_t> fixture_ints(const std::string& field) {
  std::vector<std::int64_t> values;
  if (field == "-") return values;
  std::istringstream in(field);
  for (std::string item; std::getline(in, item, ',');) values.push_back(std::stoll(item));
  return values;
}

/// A comma-separated list of numbers as written by Python's repr() ("-" = empty).
inline std::vector<double> fixture_doubles(const std::string& field) {
  std::vector<double> values;
  if (field == "-") return values;
  std::istringstream in(field);
  for (std::string item; std::getline(in, item, ',');) values.push_back(std::stod(item));
  return values;
}

}  // namespace segoid::test
