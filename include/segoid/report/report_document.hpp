// SPDX-License-Identifier: MIT
// A run report as data, and the one writer of SegOid's reports: Markdown (REPORT.md) and one
// self-contained HTML page (report.html, plate_report.html).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace segoid::report {

inline constexpr char kReportMarkdown[] = "REPORT.md";  ///< a run folder's report (demo, cross-validation)
inline constexpr char kReportHtml[] = "report.html";    ///< the demo's page

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

/// Where one report goes; an empty path skips that format.
struct ReportFiles {
  std::filesystem::path markdown;  ///< image links relative to the file's folder
  std::filesystem::path html;      ///< one page with images as data: URIs and inline CSS, so it opens
                                   ///< anywhere without network or neighbouring files
};

/// The one writer of reports: renders `doc` in every format of `files`, then writes each file
/// atomically. A report that cannot be rendered (an image unreadable) leaves no file behind.
/// Throws IoError naming the file.
void write_report(const ReportDocument& doc, const ReportFiles& files);

/// Standard base64 (RFC 4648) of raw bytes.
std::string base64_encode(const std::string& bytes);

}  // namespace segoid::report
