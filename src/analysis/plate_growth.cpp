// SPDX-License-Identifier: MIT
// plate_summary's biology: growth per well (log-linear fit), replicate statistics per condition,
// and a four-parameter logistic fit per compound and readout.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "plate_internal.hpp"
#include "segoid/core/metrics.hpp"
#include "segoid/core/numbers.hpp"

namespace segoid::analysis::plate_detail {
namespace {

using core::kNaN;
constexpr double kLn2 = 0.69314718055994530942;

double ratio(double a, double b) { return b > 0 && std::isfinite(a) ? a / b : kNaN; }

// The readouts of a well, by growth.csv column, in plate_readouts() order.
const std::vector<std::pair<std::string, double WellGrowth::*>>& readouts() {
  static const std::vector<std::pair<std::string, double WellGrowth::*>> kReadouts = {
      {contract::kGrowthRate, &WellGrowth::growth_rate},   {contract::kRelativeArea, &WellGrowth::relative_area},
      {contract::kRelativeVolume, &WellGrowth::relative_volume}, {"doubling_time_h", &WellGrowth::doubling_time_h},
      {"last_area", &WellGrowth::last_area}};
  return kReadouts;
}

std::string condition_label(const PlateSummary& s, const std::vector<std::string>& key) {
  const auto value = [&](const char* column) -> std::string {
    for (std::size_t i = 0; i < s.condition_columns.size(); ++i) {
      if (s.condition_columns[i] == column) return key[i];
    }
    return "";
  };
  const std::string compound = value(contract::kCompound), concentration = value(contract::kConcentration);
  if (!compound.empty() || !concentration.empty()) {
    std::string label = compound;
    if (!concentration.empty()) label += (label.empty() ? "" : " ") + concentration;
    if (!value("unit").empty() && !concentration.empty()) label += " " + value("unit");
    return label;
  }
  std::string label;
  for (const std::string& v : key) label += (label.empty() ? "" : " ") + v;
  return label.empty() ? "(no condition)" : label;
}

// The condition values of a well (its layout values in condition_columns' order).
std::vector<std::string> condition_key(const PlateSummary& s, const std::vector<std::string>& values) {
  std::vector<std::string> key;
  for (const std::string& column : s.condition_columns) key.push_back(values[s.layout.column_index(column)]);
  return key;
}

}  // namespace

void compute_growth(PlateSummary& s) {
  for (std::size_t first = 0; first < s.per_well.size();) {
    std::size_t end = first;
    while (end < s.per_well.size() && s.per_well[end].plate == s.per_well[first].plate &&
           s.per_well[end].well == s.per_well[first].well) {
      ++end;
    }
    const WellTimePoint& start = s.per_well[first];
    const double base_area = start.has_spheroid ? start.spheroid.area : kNaN;
    const double base_volume = start.has_spheroid ? start.spheroid.volume : kNaN;
    WellGrowth g;
    g.plate = start.plate;
    g.well = start.well;
    g.row = start.row;
    g.column = start.column;
    g.in_layout = start.in_layout;
    g.conditions = start.conditions;
    g.time_points = static_cast<int>(end - first);
    g.first_time_h = start.time_h;
    g.last_time_h = s.per_well[end - 1].time_h;
    std::vector<double> t, log_area;
    for (std::size_t i = first; i < end; ++i) {
      WellTimePoint& p = s.per_well[i];
      const double area = p.has_spheroid ? p.spheroid.area : 0.0;
      p.relative_area = ratio(area, base_area);
      p.relative_volume = ratio(p.has_spheroid ? p.spheroid.volume : 0.0, base_volume);
      if (area > 0 && std::isfinite(p.time_h)) {
        t.push_back(p.time_h);
        log_area.push_back(std::log(area));
      }
    }
    const WellTimePoint& last = s.per_well[end - 1];
    g.first_area = start.has_spheroid ? start.spheroid.area : 0.0;
    g.last_area = last.has_spheroid ? last.spheroid.area : 0.0;
    g.relative_area = last.relative_area;
    g.relative_volume = last.relative_volume;
    g.fit = fit_line(t, log_area);
    g.growth_rate = g.fit.slope;
    g.doubling_time_h = g.growth_rate > 0 ? kLn2 / g.growth_rate : kNaN;
    s.growth.push_back(std::move(g));
    first = end;
  }
}

void compute_conditions(PlateSummary& s) {
  if (s.condition_columns.empty()) return;
  // Wells by condition, then their time points by time.
  std::map<std::vector<std::string>, std::vector<const WellGrowth*>> wells;
  for (const WellGrowth& g : s.growth) {
    if (g.in_layout) wells[condition_key(s, g.conditions)].push_back(&g);
  }
  std::map<std::vector<std::string>, std::map<double, std::vector<const WellTimePoint*>>> points;
  for (const WellTimePoint& p : s.per_well) {
    if (p.in_layout) points[condition_key(s, p.conditions)][std::isnan(p.time_h) ? -1.0 : p.time_h].push_back(&p);
  }
  for (const auto& [key, by_time] : points) {
    std::vector<double> rates;
    for (const WellGrowth* g : wells[key]) rates.push_back(g->growth_rate);
    const core::Stats rate = core::column_stats(rates);
    for (const auto& [time, members] : by_time) {
      std::vector<double> area, relative_area, relative_volume;
      for (const WellTimePoint* p : members) {
        area.push_back(p->has_spheroid ? p->spheroid.area : 0.0);
        relative_area.push_back(p->relative_area);
        relative_volume.push_back(p->relative_volume);
      }
      ConditionPoint c;
      c.key = key;
      c.label = condition_label(s, key);
      c.time_h = members.front()->time_h;
      c.wells = static_cast<int>(members.size());
      const core::Stats a = core::column_stats(area), ra = core::column_stats(relative_area);
      const core::Stats rv = core::column_stats(relative_volume);
      c.spheroid_area_mean = a.mean, c.spheroid_area_sd = a.std;
      c.relative_area_mean = ra.mean, c.relative_area_sd = ra.std;
      c.relative_volume_mean = rv.mean, c.relative_volume_sd = rv.std;
      c.growth_rate_mean = rate.mean, c.growth_rate_sd = rate.std;
      s.conditions.push_back(std::move(c));
    }
  }
}

void compute_dose_response(PlateSummary& s) {
  const int compound = s.layout.column_index(contract::kCompound);
  const int concentration = s.layout.column_index(contract::kConcentration);
  const int unit = s.layout.column_index("unit");
  if (compound < 0 || concentration < 0) return;
  std::map<std::string, std::vector<const WellGrowth*>> by_compound;
  for (const WellGrowth& g : s.growth) {
    if (!g.in_layout || g.conditions[compound].empty() || g.conditions[concentration].empty()) continue;
    if (std::stod(g.conditions[concentration]) > 0) by_compound[g.conditions[compound]].push_back(&g);
  }
  for (const auto& [name, wells] : by_compound) {
    std::set<std::string> units;
    for (const WellGrowth* g : wells) units.insert(unit >= 0 ? g->conditions[unit] : "");
    for (const std::string& readout : s.config.readouts) {
      DoseResponse d;
      d.compound = name;
      d.readout = readout;
      d.unit = units.size() == 1 ? *units.begin() : "";
      std::set<double> distinct;
      for (const WellGrowth* g : wells) {
        const double value = plate_readout(*g, readout);
        if (!std::isfinite(value)) continue;
        d.concentration.push_back(std::stod(g->conditions[concentration]));
        d.response.push_back(value);
        distinct.insert(d.concentration.back());
      }
      d.concentrations = static_cast<int>(distinct.size());
      d.min_concentration = distinct.empty() ? kNaN : *distinct.begin();
      d.max_concentration = distinct.empty() ? kNaN : *distinct.rbegin();
      d.fit = fit_logistic(d.concentration, d.response);
      d.ic50_in_range = d.fit.converged && d.fit.ic50 >= d.min_concentration && d.fit.ic50 <= d.max_concentration;
      if (units.size() > 1) {
        d.note = "the wells of this compound use different units";
      } else if (!d.fit.converged) {
        d.note = d.fit.note;
      } else if (!d.ic50_in_range) {
        d.note = fmt::format("IC50 {:.4g} lies outside the tested range {:.4g}-{:.4g}", d.fit.ic50, d.min_concentration,
                             d.max_concentration);
      }
      s.dose.push_back(std::move(d));
    }
  }
}

}  // namespace segoid::analysis::plate_detail

namespace segoid::analysis {

std::vector<std::string> plate_readouts() {
  std::vector<std::string> names;
  for (const auto& [name, member] : plate_detail::readouts()) names.push_back(name);
  return names;
}

double plate_readout(const WellGrowth& well, const std::string& name) {
  for (const auto& [readout, member] : plate_detail::readouts()) {
    if (readout == name) return well.*member;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace segoid::analysis
