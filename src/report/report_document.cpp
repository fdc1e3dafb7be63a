// SPDX-License-Identifier: MIT
// The report writer: Markdown and self-contained HTML renderings of a ReportDocument.
#include "segoid/report/report_document.hpp"

#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/csv.hpp"

namespace segoid::report {
namespace fs = std::filesystem;
namespace {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) out += (c == '|') ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string mime_of(const fs::path& path) {
  const std::string ext = path.extension().string();
  return (ext == ".jpg" || ext == ".jpeg" || ext == ".JPG") ? "image/jpeg" : "image/png";
}

constexpr const char* kStyle = R"(body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{border-bottom:2px solid #2a6;padding-bottom:.2em}h2{margin-top:2em;color:#264}
.headline{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}.figure{background:#f3f8f4;border:1px solid #cdc;border-radius:6px;padding:.6em 1em}
.figure b{display:block;font-size:1.5em}table{border-collapse:collapse;margin:1em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#eef}td:first-child,th:first-child{text-align:left}
.gallery{display:flex;flex-wrap:wrap;gap:1em}.gallery figure{margin:0;max-width:520px}.gallery img{max-width:100%;border:1px solid #ccc}
figcaption{font-size:.85em;color:#555})";

/// How one format writes a table row: before it, around each cell, after it.
struct RowMarkup {
  const char* open;
  const char* cell_open;
  const char* cell_close;
  const char* close;
  std::string (*escape)(const std::string&);
};
constexpr RowMarkup kMarkdownRow{"|", " ", " |", "\n", markdown_cell};
constexpr RowMarkup kHtmlHeader{"<table><thead><tr>", "<th>", "</th>", "</tr></thead><tbody>\n", html_escape};
constexpr RowMarkup kHtmlRow{"<tr>", "<td>", "</td>", "</tr>\n", html_escape};

void put_row(std::ostringstream& out, const std::vector<std::string>& cells, const RowMarkup& m) {
  out << m.open;
  for (const auto& cell : cells) out << m.cell_open << m.escape(cell) << m.cell_close;
  out << m.close;
}

}  // namespace

std::string base64_encode(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += (i + 1 < bytes.size()) ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

ReportTable table_from_csv(const fs::path& csv, const std::string& title, std::size_t max_rows) {
  const io::CsvTable data = io::read_csv(csv);
  ReportTable table{title, data.header, {}};
  for (const auto& row : data.rows) {
    if (table.rows.size() >= max_rows) break;
    table.rows.push_back(row);
  }
  return table;
}

namespace {

std::string render_markdown(const ReportDocument& doc, const fs::path& base) {
  std::ostringstream md;
  md << "# " << doc.title << "\n\n";
  for (const auto& [key, value] : doc.headline) md << "- **" << key << "**: " << value << "\n";
  for (const auto& section : doc.sections) {
    md << "\n## " << section.title << "\n\n";
    if (!section.text.empty()) md << section.text << "\n\n";
    for (const auto& table : section.tables) {
      if (!table.title.empty()) md << "**" << table.title << "**\n\n";
      put_row(md, table.header, kMarkdownRow);
      md << "|";
      for (std::size_t c = 0; c < table.header.size(); ++c) md << (c == 0 ? " :--- |" : " ---: |");
      md << "\n";
      for (const auto& row : table.rows) put_row(md, row, kMarkdownRow);
      md << "\n";
    }
    for (const auto& image : section.images) {
      md << "![" << image.caption << "](" << fs::relative(image.png, base).generic_string() << ")\n\n";
    }
  }
  return md.str();
}

std::string render_html(const ReportDocument& doc) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << html_escape(doc.title)
       << "</title><style>" << kStyle << "</style></head><body>\n<h1>" << html_escape(doc.title) << "</h1>\n";
  html << "<div class=\"headline\">";
  for (const auto& [key, value] : doc.headline) {
    html << "<div class=\"figure\">" << html_escape(key) << "<b>" << html_escape(value) << "</b></div>";
  }
  html << "</div>\n";
  for (const auto& section : doc.sections) {
    html << "<h2>" << html_escape(section.title) << "</h2>\n";
    if (!section.text.empty()) html << "<p>" << html_escape(section.text) << "</p>\n";
    for (const auto& table : section.tables) {
      if (!table.title.empty()) html << "<h3>" << html_escape(table.title) << "</h3>\n";
      put_row(html, table.header, kHtmlHeader);
      for (const auto& row : table.rows) put_row(html, row, kHtmlRow);
      html << "</tbody></table>\n";
    }
    if (!section.images.empty()) {
      html << "<div class=\"gallery\">\n";
      for (const auto& image : section.images) {
        html << "<figure><img alt=\"" << html_escape(image.caption) << "\" src=\"data:" << mime_of(image.png)
             << ";base64," << base64_encode(core::read_file(image.png)) << "\"><figcaption>"
             << html_escape(image.caption) << "</figcaption></figure>\n";
      }
      html << "</div>\n";
    }
  }
  html << "</body></html>\n";
  return html.str();
}

}  // namespace

void write_report(const ReportDocument& doc, const ReportFiles& files) {
  // Every format is rendered before any is written: an unreadable image throws before a file exists.
  std::vector<std::pair<fs::path, std::string>> pages;
  if (!files.markdown.empty()) pages.emplace_back(files.markdown, render_markdown(doc, files.markdown.parent_path()));
  if (!files.html.empty()) pages.emplace_back(files.html, render_html(doc));
  for (const auto& [path, text] : pages) core::write_file_atomic(path, text);
}

}  // namespace segoid::report
