// SPDX-License-Identifier: MIT
// CSV cell formatting for analysis outputs (reading and escaping come from segoid/io/csv.hpp).
#pragma once

#include <string>
#include <vector>

namespace segoid::analysis::csv {

/// Fields escaped (io::csv_escape), joined by commas and terminated by "\n".
std::string join_row(const std::vector<std::string>& fields);
/// A number for CSV: integers as integers, others with 10 significant digits, NaN as "".
std::string number(double value);
/// The finite number `text` spells out entirely ("12", "1e-3", " 2" is not), or NaN.
double parse_number(const std::string& text);

}  // namespace segoid::analysis::csv
