// SPDX-License-Identifier: MIT
// A run report as data, written as Markdown (REPORT.md) and as one self-contained HTML page.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace segoid::report {

struct ReportTable {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct ReportImage {
  std::string caption;
  std::filesystem::path png;  ///< a PNG or JPEG file on disk
};

struct ReportSection {
  std::string title;
  std::string text;  ///< plain paragraphs (blank-line separated)
  std::vector<ReportTable> tables;
  std::vector<ReportImage> images;
};

struct ReportDocument {
  std::string title;
  std::vector<std::pair<std::string, std::string>> headline;  ///< key figures shown first
  std::vector<ReportSection> sections;
};

/// Reads a CSV file into a table (first row = header); at most `max_rows` data rows.
/// Throws IoError naming the file when it cannot be read.
ReportTable table_from_csv(const std::filesystem::path& csv, const std::string& title, std::size_t max_rows = 200);

/// Writes Markdown with image links relative to the report's folder. Atomic. Throws IoError.
void write_markdown_report(const std::filesystem::path& path, const ReportDocument& doc);

/// Writes one HTML page with images inlined as data: URIs and CSS inline, so it opens anywhere
/// without network or neighbouring files. Atomic. Throws IoError.
void write_html_report(const std::filesystem::path& path, const ReportDocument& doc);

/// Standard base64 (RFC 4648) of raw bytes.
std::string base64_encode(const std::string& bytes);

}  // namespace segoid::report
