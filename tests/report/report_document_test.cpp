// SPDX-License-Identifier: MIT
// The report writer: Markdown and HTML renderings of one document, base64, all-or-nothing writes.
#include "segoid/report/report_document.hpp"

#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::report {
namespace {
namespace fs = std::filesystem;

// A document with every element once, and characters each format must escape.
ReportDocument sample(const fs::path& image) {
  ReportDocument doc;
  doc.title = "T<1>";
  doc.headline = {{"a", "1 & 2"}};
  ReportSection section{"S", "text", {{"tab", {"h1", "h|2"}, {{"x", "y&z"}}}}, {}};
  if (!image.empty()) section.images.push_back({"cap", image});
  doc.sections.push_back(section);
  return doc;
}

TEST(ReportDocumentTest, Base64MatchesTheRfc4648TestVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(ReportDocumentTest, MarkdownLinksImagesRelativeToItsFolder) {
  test::TempDir dir;
  core::write_file_atomic(dir / "assets/img.png", "PNGDATA");
  write_report(sample(dir / "assets/img.png"), {dir / "REPORT.md", {}});
  EXPECT_EQ(core::read_file(dir / "REPORT.md"),
            "# T<1>\n\n- **a**: 1 & 2\n\n## S\n\ntext\n\n**tab**\n\n"
            "| h1 | h\\|2 |\n| :--- | ---: |\n| x | y&z |\n\n"
            "![cap](assets/img.png)\n\n");
  EXPECT_FALSE(fs::exists(dir / "report.html"));
}

TEST(ReportDocumentTest, HtmlIsOnePageWithImagesInlined) {
  test::TempDir dir;
  core::write_file_atomic(dir / "img.png", "foobar");
  write_report(sample(dir / "img.png"), {{}, dir / "page.html"});
  const std::string html = core::read_file(dir / "page.html");
  const std::string head = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>T&lt;1&gt;</title><style>";
  EXPECT_EQ(html.substr(0, head.size()), head);
  const std::size_t body = html.find("</style>");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(html.substr(body),
            "</style></head><body>\n<h1>T&lt;1&gt;</h1>\n"
            "<div class=\"headline\"><div class=\"figure\">a<b>1 &amp; 2</b></div></div>\n"
            "<h2>S</h2>\n<p>text</p>\n<h3>tab</h3>\n"
            "<table><thead><tr><th>h1</th><th>h|2</th></tr></thead><tbody>\n"
            "<tr><td>x</td><td>y&amp;z</td></tr>\n</tbody></table>\n"
            "<div class=\"gallery\">\n<figure><img alt=\"cap\" src=\"data:image/png;base64,Zm9vYmFy\">"
            "<figcaption>cap</figcaption></figure>\n</div>\n</body></html>\n");
}

TEST(ReportDocumentTest, BothFormatsFromOneCall) {
  test::TempDir dir;
  write_report(sample({}), {dir / kReportMarkdown, dir / kReportHtml});
  EXPECT_NE(core::read_file(dir / kReportMarkdown).find("| x | y&z |"), std::string::npos);
  EXPECT_NE(core::read_file(dir / kReportHtml).find("<td>y&amp;z</td>"), std::string::npos);
}

TEST(ReportDocumentTest, AnUnreadableImageLeavesNoFileBehind) {
  test::TempDir dir;
  EXPECT_THROW(write_report(sample(dir / "missing.png"), {dir / kReportMarkdown, dir / kReportHtml}), IoError);
  EXPECT_FALSE(fs::exists(dir / kReportMarkdown));
  EXPECT_FALSE(fs::exists(dir / kReportHtml));
}

}  // namespace
}  // namespace segoid::report
