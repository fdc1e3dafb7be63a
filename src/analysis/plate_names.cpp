// SPDX-License-Identifier: MIT
// File-name patterns through PCRE2 (named groups in Perl and Python syntax, match limits).
#include "segoid/analysis/plate_names.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "csv_lite.hpp"
#include "segoid/analysis/contract.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/small_count.hpp"

namespace segoid::analysis {
namespace {

constexpr int kMaxRow = 32;     // AF: 1536-well plates
constexpr int kMaxColumn = 48;
constexpr std::uint32_t kMatchLimit = 1000000;  // backtracking steps per name
constexpr double kHoursPerDay = 24.0, kMinutesPerHour = 60.0;

// Anchored, with any file extension allowed at the end.
const std::map<std::string, std::string>& presets() {
  static const std::map<std::string, std::string> kPresets = {
      // VID1234_A1_1_00d04h00m (an optional channel after the vessel: VID1234_phase_A1_1_...)
      {"incucyte", R"(^(?<plate>[^_]+)(?:_[A-Za-z][A-Za-z0-9 ]*)?_(?<well>[A-Za-z]{1,2}\d{1,2})_(?<field>\d+)_)"
                   R"((?<day>\d+)d(?<hour>\d+)h(?<minute>\d+)m(?:\.\w+)?$)"},
      // Plate1_A01_s1_w1, Plate1_A01_s1_w1<GUID>, A01_s2 (single wavelength; plate optional)
      {"imagexpress", R"(^(?:(?<plate>.+)_)?(?<well>[A-Za-z]{1,2}\d{2})_s(?<field>\d+)(?:_w\d[0-9A-Fa-f-]*)?)"
                      R"((?:_z\d+)?(?:_thumb[0-9A-Fa-f-]*)?(?:\.\w+)?$)"},
      // r01c01f01p01-ch1sk1fk1fl1: row, column, field, plane, channel, time point (sk)
      {"operetta", R"(^r(?<row>\d{2})c(?<col>\d{2})f(?<field>\d+)p\d+-ch\d+sk(?<time>\d+)fk\d+fl\d+(?:\.\w+)?$)"},
      // A1_03_1_1_Bright Field_001: well, read step, channel, field, channel name, time point
      {"cytation", R"(^(?<well>[A-Za-z]{1,2}\d{1,2})_\d+_\d+_(?<field>\d+)_[^_]+_(?<time>\d+)(?:\.\w+)?$)"},
  };
  return kPresets;
}

// The groups a pattern may name; plate, well, row and field are the columns they fill.
constexpr const char* kPlateGroup = contract::kPlate;
constexpr const char* kWellGroup = contract::kWell;
constexpr const char* kRowGroup = contract::kRow;
constexpr const char* kFieldGroup = contract::kField;
constexpr const char* kColGroup = "col";
const std::set<std::string> kGroups = {kPlateGroup, kWellGroup, kRowGroup, kColGroup, kFieldGroup,
                                       "time", "day", "hour", "minute"};

// "A" -> 1, "AF" -> 32; 0 when not letters.
int row_of_letters(const std::string& letters) {
  if (letters.empty() || letters.size() > 2) return 0;
  int row = 0;
  for (char c : letters) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return 0;
    row = row * 26 + (std::toupper(static_cast<unsigned char>(c)) - 'A' + 1);
  }
  return row;
}

}  // namespace

std::vector<std::string> name_presets() { return {"incucyte", "imagexpress", "operetta", "cytation"}; }

std::string row_label(int row) {
  std::string letters;
  for (int r = row; r > 0; r = (r - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (r - 1) % 26));
  return letters;
}

std::string well_label(int row, int column) { return fmt::format("{}{:02d}", row_label(row), column); }

struct NamePattern::Impl {
  std::string regex;
  std::string spec;
  double time_step_h = 1.0;
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  std::set<std::string> groups;
  ~Impl() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

NamePattern::NamePattern(const std::string& spec, double time_step_h) : impl_(std::make_unique<Impl>()) {
  if (!(time_step_h > 0 && std::isfinite(time_step_h))) throw ConfigError("--time-step-h must be a positive number of hours");
  impl_->spec = spec;
  impl_->time_step_h = time_step_h;
  std::string lower = spec;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto preset = presets().find(lower);
  impl_->regex = preset != presets().end() ? preset->second : spec;
  if (impl_->regex.empty()) throw ConfigError("--names: give a preset (incucyte, imagexpress, operetta, cytation) or a regex");
  int error = 0;
  PCRE2_SIZE offset = 0;
  impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(impl_->regex.c_str()), impl_->regex.size(),
                              PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
  if (!impl_->code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw ConfigError(fmt::format("--names \"{}\": not a valid regular expression: {} at offset {}", spec,
                                  reinterpret_cast<const char*>(message), offset));
  }
  std::uint32_t count = 0, entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(impl_->code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(impl_->code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(impl_->code, PCRE2_INFO_NAMETABLE, &table);
  for (std::uint32_t i = 0; i < count; ++i) {
    // Each entry: a 2-byte group number, then the zero-terminated name.
    const std::string name(reinterpret_cast<const char*>(table + i * entry_size + 2));
    if (!kGroups.count(name)) {
      throw ConfigError(fmt::format("--names \"{}\": unknown group \"{}\"; use plate, well, row, col, field, time, "
                                    "day, hour, minute", spec, name));
    }
    impl_->groups.insert(name);
  }
  if (!impl_->groups.count(kWellGroup) && !(impl_->groups.count(kRowGroup) && impl_->groups.count(kColGroup))) {
    throw ConfigError(fmt::format("--names \"{}\": the pattern names no well: add a group (?<well>...) or both "
                                  "(?<row>...) and (?<col>...)", spec));
  }
  impl_->context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(impl_->context, kMatchLimit);
}

NamePattern::~NamePattern() = default;
NamePattern::NamePattern(NamePattern&&) noexcept = default;
NamePattern& NamePattern::operator=(NamePattern&&) noexcept = default;

const std::string& NamePattern::regex() const { return impl_->regex; }

std::optional<WellImage> NamePattern::parse(const std::string& name, std::string* why) const {
  const auto reject = [why](const std::string& reason) -> std::optional<WellImage> {
    if (why) *why = reason;
    return std::nullopt;
  };
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match(
      pcre2_match_data_create_from_pattern(impl_->code, nullptr), &pcre2_match_data_free);
  const int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(name.c_str()), name.size(), 0, 0, match.get(),
                             impl_->context);
  if (rc == PCRE2_ERROR_NOMATCH) return reject("does not match --names \"" + impl_->spec + "\"");
  if (rc < 0) return reject("the pattern gave up on this name (PCRE2 error " + std::to_string(rc) + ")");
  std::map<std::string, std::string> value;
  for (const std::string& group : impl_->groups) {
    PCRE2_SIZE length = 0;
    if (pcre2_substring_length_byname(match.get(), reinterpret_cast<PCRE2_SPTR>(group.c_str()), &length) != 0) continue;
    PCRE2_SIZE size = length + 1;
    std::string buffer(size, '\0');
    pcre2_substring_copy_byname(match.get(), reinterpret_cast<PCRE2_SPTR>(group.c_str()),
                                reinterpret_cast<PCRE2_UCHAR*>(buffer.data()), &size);
    value[group] = buffer.substr(0, size);
  }
  WellImage out;
  out.plate = value[kPlateGroup];
  if (!value[kWellGroup].empty()) {
    const std::string& well = value[kWellGroup];
    const std::size_t digits = well.find_first_of("0123456789");
    out.row = digits == std::string::npos ? 0 : row_of_letters(well.substr(0, digits));
    out.column = digits == std::string::npos ? -1 : core::parse_small_count(well.substr(digits));
    if (out.row == 0 || out.column < 0) return reject("well \"" + well + "\" is not a row letter and a column number");
  } else {
    const std::string& row = value[kRowGroup];
    out.row = std::isdigit(static_cast<unsigned char>(row.empty() ? 'x' : row[0])) ? core::parse_small_count(row) : row_of_letters(row);
    out.column = core::parse_small_count(value[kColGroup]);
    if (out.row <= 0 || out.column < 0) {
      return reject("row \"" + row + "\" and column \"" + value[kColGroup] + "\" do not name a well");
    }
  }
  if (out.row > kMaxRow || out.column < 1 || out.column > kMaxColumn) {
    return reject(fmt::format("well row {} column {} lies outside a 1536-well plate (A-AF, 1-48)", out.row, out.column));
  }
  out.well = well_label(out.row, out.column);
  if (!value[kFieldGroup].empty()) {
    out.field = core::parse_small_count(value[kFieldGroup]);
    if (out.field < 0) return reject("field \"" + value[kFieldGroup] + "\" is not a number");
  }
  double hours = 0;
  for (const auto& [group, scale] : std::vector<std::pair<std::string, double>>{
           {"time", impl_->time_step_h}, {"day", kHoursPerDay}, {"hour", 1.0}, {"minute", 1.0 / kMinutesPerHour}}) {
    if (!value.count(group) || value[group].empty()) continue;
    const double v = csv::parse_number(value[group]);
    if (!(v >= 0)) return reject(group + " \"" + value[group] + "\" is not a non-negative number");
    hours += v * scale;
    out.has_time = true;
  }
  out.time_h = out.has_time ? hours : std::numeric_limits<double>::quiet_NaN();
  return out;
}

}  // namespace segoid::analysis
