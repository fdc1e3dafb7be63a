// SPDX-License-Identifier: MIT
// `segoid export_for_correction` and `import_corrections` through the binary: a round trip, and a
// refused mask's exit code.
// CTest label: e2e
#include <gtest/gtest.h>

#include "../data/corrections_project.hpp"
#include "segoid/data/corrections.hpp"
#include "test_support.hpp"

namespace segoid::cli {
namespace {

TEST(CorrectionsTest, CommandsRoundTrip) {
  test::CorrectionsProject p;
  const std::string binary = "'" + test::segoid_binary().string() + "' ";
  std::string output;
  ASSERT_EQ(test::run_command(binary + "export_for_correction --flagged '" + (p.dir / "flagged.txt").string() +
                                  "' --image-dir '" + (p.dir / "plates").string() + "' --pred-mask-dir '" +
                                  (p.dir / "pred").string() + "' --output-dir '" + p.workspace.string() + "'",
                              &output),
            0)
      << output;
  io::write_gray_tiff(p.corrected("a"), test::disc({40, 30}, 12) / 255);
  const std::string import = binary + "import_corrections --workspace '" + p.workspace.string() +
                             "' --target-dir '" + p.working.string() + "' --corrector bob";
  EXPECT_EQ(test::run_command(import, &output), 4) << output;
  EXPECT_NE(output.find("a_mask.tif"), std::string::npos) << output;
  io::write_mask_tiff(p.corrected("a"), test::disc({40, 30}, 12));
  ASSERT_EQ(test::run_command(import, &output), 0) << output;
  EXPECT_EQ(data::read_corrections_registry(p.working).at(0).corrector, "bob");
}

}  // namespace
}  // namespace segoid::cli
