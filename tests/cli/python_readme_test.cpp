// SPDX-License-Identifier: MIT
// Issue 28 §6: the Python SegOid's README command lines (tests/python/readme_project/commands.txt)
// run through its command names (links to segoid) on a small synthetic project; each exits as the
// Python tool does (or as README "Differences from the Python SegOid" says), and every output
// reads with the pandas calls of the Python tool's code (readme_project/reads.py).
// CTest label: e2e
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "segoid/core/atomic_file.hpp"
#include "test_support.hpp"

namespace segoid {
namespace {
namespace fs = std::filesystem;

struct ReadmeLine {
  int python_status = 0;
  std::string segoid_status;  ///< a number, or "verdict" (sanity_check: 0 on GO, 1 on NO-GO)
  std::string command;
};

/// The records of commands.txt; a command continues on the lines up to the next record, comment
/// or blank line.
std::vector<ReadmeLine> read_commands(const fs::path& path) {
  std::ifstream in(path);
  std::vector<ReadmeLine> lines;
  const std::regex record(R"(^(\d+) \| (\S+) \| (.*)$)");
  bool open = false;
  for (std::string text; std::getline(in, text);) {
    std::smatch m;
    if (std::regex_match(text, m, record)) {
      lines.push_back({std::stoi(m[1]), m[2], m[3]});
      open = true;
    } else if (text.empty() || text[0] == '#') {
      open = false;
    } else if (open) {
      lines.back().command += "\n" + text;
    }
  }
  return lines;
}

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TEST(PythonReadmeTest, CommandLinesEndToEnd) {
  test::TempDir dir;
  const fs::path project = dir / "project";
  const fs::path bin = dir / "bin";
  const fs::path fixture = test::source_dir() / "tests" / "python" / "readme_project";
  // The Python tool's command names, as `make install PYTHON_NAMES=1` links them.
  std::string names;
  ASSERT_EQ(test::run_command(test::segoid_binary().string() + " --python-names", &names), 0);
  fs::create_directories(bin);
  std::istringstream listed(names);
  for (std::string name; listed >> name;) fs::create_symlink(test::segoid_binary(), bin / name);
  // Six 256 x 256 plates with masks in data/working, and the Python-style configs.
  fs::remove(test::write_tiny_plates(project / "data" / "working", "written.csv", 0, 6, /*seed=*/28));
  fs::create_directories(project / "configs");
  for (const auto& entry : fs::directory_iterator(fixture / "configs")) {
    fs::copy_file(entry.path(), project / "configs" / entry.path().filename());
  }
  const std::string readme = core::read_file(test::source_dir() / "README.md");
  const std::string differences = readme.substr(readme.find("## Differences from the Python SegOid"));
  ASSERT_NE(readme.find("## Differences from the Python SegOid"), std::string::npos);

  const std::vector<ReadmeLine> lines = read_commands(fixture / "commands.txt");
  ASSERT_GE(lines.size(), 14u);
  std::string run;
  for (ReadmeLine line : lines) {
    const std::size_t placeholder = line.command.find("{RUN}");
    if (placeholder != std::string::npos) {
      ASSERT_FALSE(run.empty()) << "no train run before: " << line.command;
      line.command = std::regex_replace(line.command, std::regex(R"(\{RUN\})"), run);
    }
    std::string output;
    const int status = test::run_command("cd " + shell_quoted(project.string()) + " && PATH=" + shell_quoted(bin.string()) +
                                             ":\"$PATH\" sh -c " + shell_quoted(line.command) + " 2>&1",
                                         &output);
    const std::string program = line.command.substr(0, line.command.find(' '));
    int expected = 0;
    if (line.segoid_status == "verdict") {
      const std::string report = core::read_file(project / "runs" / "sanity_check" / "sanity_report.yaml");
      expected = report.find("verdict: GO") != std::string::npos ? 0 : 1;
    } else {
      expected = std::stoi(line.segoid_status);
    }
    EXPECT_EQ(status, expected) << line.command << "\n" << output;
    if (expected != line.python_status) {
      // Where SegOid exits otherwise than the Python tool, the README says so in that command's row.
      EXPECT_NE(differences.find("`" + program), std::string::npos) << program << " is not in the Differences";
    }
    if (program == "train") {
      for (const auto& entry : fs::directory_iterator(project / "runs")) {
        if (entry.path().filename().string().rfind("train_", 0) == 0) run = fs::relative(entry.path(), project).string();
      }
    }
  }
  if (!test::python_has("pandas numpy yaml")) GTEST_SKIP() << "/usr/bin/python3 with pandas and PyYAML missing";
  std::string output;
  EXPECT_EQ(test::run_command("/usr/bin/python3 " + shell_quoted((fixture / "reads.py").string()) + " " +
                                  shell_quoted(project.string()) + " 2>&1",
                              &output),
            0)
      << output;
  EXPECT_NE(output.find("all reads ok"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid
