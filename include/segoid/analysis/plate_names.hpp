// SPDX-License-Identifier: MIT
// Plate, well, field and time from image file names: instrument presets (Incucyte, ImageXpress,
// Operetta/Opera, Cytation) or a user's regular expression with named groups (PCRE2).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace segoid::analysis {

/// Where and when an image was taken.
struct WellImage {
  std::string plate;  ///< "" when the pattern has no `plate` group
  std::string well;   ///< normalised: row letters then a two-digit column, "A01", "P24", "AF48"
  int row = 0;        ///< 1-based: A = 1, Z = 26, AA = 27
  int column = 0;     ///< 1-based
  int field = 1;      ///< site / field of view; 1 when the pattern has no `field` group
  double time_h = 0;  ///< hours; NaN when the pattern has no time group
  bool has_time = false;
};

/// The names of the presets, in the order `--help` lists them.
std::vector<std::string> name_presets();

/// Row letters of a 1-based row: 1 -> "A", 26 -> "Z", 27 -> "AA".
std::string row_label(int row);

/// Well name of a 1-based row and column: (1, 1) -> "A01", (27, 3) -> "AA03".
std::string well_label(int row, int column);

/// A compiled file-name pattern.
class NamePattern {
 public:
  /// `spec` is a preset ("incucyte" VID1234_A1_1_00d04h00m.tif, "imagexpress" Plate1_A01_s1_w1.tif,
  /// "operetta" r01c01f01p01-ch1sk1fk1fl1.tiff, "cytation" A1_03_1_1_Bright Field_001.tif; see
  /// README "Plate assays") or a regular expression (Perl/Python syntax, `(?<name>..)` or
  /// `(?P<name>..)`, searched in the name) whose named groups are among plate, well, row, col,
  /// field, time, day, hour, minute and give a well (`well`, or `row` and `col`; rows as letters
  /// or numbers). time_h = time x `time_step_h` + 24 day + hour + minute / 60 over the groups
  /// present. Throws ConfigError for a pattern that does not compile, an unknown group name or
  /// no well, naming the problem.
  explicit NamePattern(const std::string& spec, double time_step_h = 1.0);
  ~NamePattern();
  NamePattern(NamePattern&&) noexcept;
  NamePattern& operator=(NamePattern&&) noexcept;

  /// Parses an image's basename (any extension is ignored by the presets). When it does not
  /// match, or a group holds no valid value (row "0", a column over 48...), returns nullopt and
  /// puts the reason in `why`. Never guesses.
  std::optional<WellImage> parse(const std::string& name, std::string* why = nullptr) const;

  /// The regular expression in use (the preset's, or `spec`).
  const std::string& regex() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace segoid::analysis
