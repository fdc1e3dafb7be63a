// SPDX-License-Identifier: MIT
// RFC 4180 CSV: quoting round trips, line endings, BOM, and malformed rows named by file:line.
#include "segoid/io/csv.hpp"

#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::io {
namespace {

TEST(CsvTest, QuotingRoundTrips) {
  test::TempDir dir;
  CsvTable table;
  table.header = {"basename", "notes", "empty"};
  table.rows = {{"a", "plain", ""},
                {"b,c", "say \"hi\"", ""},
                {"multi\nline", "crlf\r\ninside", "x"},
                {" spaced ", "ünïcødé µm", "\"\""}};
  write_csv(dir / "t.csv", table);
  const CsvTable back = read_csv(dir / "t.csv");
  EXPECT_EQ(back.header, table.header);
  EXPECT_EQ(back.rows, table.rows);
  EXPECT_EQ(back.row_lines, (std::vector<int>{2, 3, 4, 7}));
  EXPECT_EQ(back.column_index("notes"), 1);
  EXPECT_EQ(back.column_index("nope"), -1);
}

TEST(CsvTest, EscapesOnlyWhenNeeded) {
  EXPECT_EQ(csv_escape("abc"), "abc");
  EXPECT_EQ(csv_escape("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_escape("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(csv_escape("a\nb"), "\"a\nb\"");
}

TEST(CsvTest, ToleratesCrlfBomAndBlankLines) {
  const CsvTable table = parse_csv("\xEF\xBB\xBF" "a,b\r\n1,2\r\n\r\n\"3\",\"\"\r\n", "x.csv");
  EXPECT_EQ(table.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(table.rows.size(), 2U);
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"3", ""}));
  EXPECT_EQ(table.row_lines[1], 4);
  const CsvTable no_final_newline = parse_csv("a\nlast", "y.csv");
  EXPECT_EQ(no_final_newline.rows.at(0).at(0), "last");
}

/// Expects a DataError whose message starts with "<source>:<line>:" and contains `fragment`.
void expect_malformed(const std::string& text, int line, const std::string& fragment) {
  try {
    parse_csv(text, "dir/manifest.csv");
    FAIL() << "accepted: " << text;
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("dir/manifest.csv:" + std::to_string(line) + ": ", 0), 0U) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(CsvTest, MalformedRowsNameFileAndLine) {
  expect_malformed("a,b\n1,2\n3\n", 3, "expected 2 fields");
  expect_malformed("a,b\n1,2,3\n", 2, "found 3");
  expect_malformed("a,b\n\"x\nstill open,2\n", 2, "unterminated");
  expect_malformed("a,b\n\"x\"y,2\n", 2, "after closing quote");
  expect_malformed("a,b\nx\"y,2\n", 2, "quote inside");
  // A multi-line quoted field shifts the line count of later rows.
  expect_malformed("a,b\n\"1\n2\",3\n4\n", 4, "expected 2 fields");
  expect_malformed("", 1, "empty file");
}

TEST(CsvTest, MissingFileIsIoError) {
  test::TempDir dir;
  EXPECT_THROW(read_csv(dir / "none.csv"), IoError);
}

TEST(CsvTest, LeadingByteOrderMarkInAFieldSurvivesRoundTrip) {
  // Regression (fuzz/regressions/csv): a header field starting with a BOM after a blank first line
  // was written unquoted at the start of the file and then dropped as the file's BOM.
  const CsvTable table = parse_csv(std::string("\n\xEF\xBB\xBF""ab,c\n1,2\n"), "bom.csv");
  const CsvTable again = parse_csv(format_csv(table), "again.csv");
  EXPECT_EQ(again.header, table.header);
  EXPECT_EQ(again.rows, table.rows);
  // Regression: a one-column row with an empty value was written as a blank line and lost.
  const CsvTable one_column = parse_csv("name\n\"\"\nx\n", "one.csv");
  ASSERT_EQ(one_column.rows.size(), 2u);
  EXPECT_EQ(parse_csv(format_csv(one_column), "again.csv").rows, one_column.rows);
}

}  // namespace
}  // namespace segoid::io
