// SPDX-License-Identifier: MIT
// GSL fits against independent references: scipy.optimize.curve_fit for the four-parameter
// logistic (parameters and standard errors), numpy.polyfit for lines; and fits that must fail.
#include "segoid/analysis/curve_fit.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/rng.hpp"
#include "test_support.hpp"

namespace segoid::analysis {
namespace {

struct Data {
  std::vector<double> x, y;
};

// Concentrations in half-log steps, replicates with multiplicative noise around a known curve.
Data noisy_curve(double top, double bottom, double ic50, double hill, double noise, std::uint64_t seed) {
  core::Rng rng(seed);
  Data d;
  for (double c : {0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0}) {
    for (int rep = 0; rep < 2; ++rep) {
      d.x.push_back(c);
      d.y.push_back((bottom + (top - bottom) / (1 + std::pow(c / ic50, hill))) * (1 + noise * rng.uniform(-1, 1)));
    }
  }
  return d;
}

std::string joined(const std::vector<double>& v) {
  std::ostringstream out;
  out.precision(17);
  for (std::size_t i = 0; i < v.size(); ++i) out << (i ? "," : "") << v[i];
  return out.str();
}

TEST(CurveFitTest, LogisticRecoversAnExactCurve) {
  const Data d = noisy_curve(/*top=*/1.0, /*bottom=*/0.1, /*ic50=*/0.7, /*hill=*/1.3, /*noise=*/0.0, 1);
  const LogisticFit fit = fit_logistic(d.x, d.y);
  ASSERT_TRUE(fit.converged) << fit.note;
  EXPECT_NEAR(fit.ic50, 0.7, 1e-6);
  EXPECT_NEAR(fit.hill, 1.3, 1e-6);
  EXPECT_NEAR(fit.top, 1.0, 1e-7);
  EXPECT_NEAR(fit.bottom, 0.1, 1e-7);
  EXPECT_NEAR(logistic_value(fit, 0.7), 0.55, 1e-7);
  EXPECT_LT(fit.rss, 1e-12);
}

// The same data through scipy.optimize.curve_fit, parametrised the same way (log10 IC50), from the
// same start: equal parameters and standard errors (pcov with absolute_sigma=False).
TEST(CurveFitTest, LogisticMatchesScipyCurveFit) {
  if (!test::python_has("numpy scipy")) GTEST_SKIP() << "needs /usr/bin/python3 with numpy and scipy";
  for (const auto& [seed, hill] : {std::pair<std::uint64_t, double>{3, 1.0}, {4, 2.2}, {5, -0.8}}) {
    const Data d = noisy_curve(0.03, 0.008, 1.5, hill, 0.08, seed);
    const LogisticFit fit = fit_logistic(d.x, d.y);
    ASSERT_TRUE(fit.converged) << fit.note;
    test::TempDir dir;
    core::write_file_atomic(dir / "ref.py", R"(import sys
import numpy as np
from scipy.optimize import curve_fit
x = np.array([float(v) for v in sys.argv[1].split(",")])
y = np.array([float(v) for v in sys.argv[2].split(",")])
def f(x, top, bottom, logc, hill):
    return bottom + (top - bottom) / (1 + 10 ** ((np.log10(x) - logc) * hill))
p0 = [float(v) for v in sys.argv[3].split(",")]
p, cov = curve_fit(f, x, y, p0=p0, method="lm", maxfev=20000, xtol=1e-14, ftol=1e-14)
se = np.sqrt(np.diag(cov))
print(" ".join(repr(float(v)) for v in list(p) + list(se)))
)");
    // Start scipy where the fit ended, nudged: both then polish the same minimum.
    const std::vector<double> start = {fit.top * 1.05, fit.bottom * 0.95, std::log10(fit.ic50) + 0.05, fit.hill * 0.95};
    std::string output;
    ASSERT_EQ(test::run_command("/usr/bin/python3 " + (dir / "ref.py").string() + " " + joined(d.x) + " " + joined(d.y) +
                                " " + joined(start), &output), 0) << output;
    std::istringstream in(output);
    double top, bottom, log_c, h, top_se, bottom_se, log_c_se, hill_se;
    ASSERT_TRUE(in >> top >> bottom >> log_c >> h >> top_se >> bottom_se >> log_c_se >> hill_se) << output;
    EXPECT_NEAR(fit.top, top, 1e-6 * std::abs(top)) << "hill " << hill;
    EXPECT_NEAR(fit.bottom, bottom, 1e-6 * std::abs(top)) << "hill " << hill;
    EXPECT_NEAR(std::log10(fit.ic50), log_c, 1e-6) << "hill " << hill;
    EXPECT_NEAR(fit.hill, h, 1e-5 * std::abs(h)) << "hill " << hill;
    EXPECT_NEAR(fit.top_se, top_se, 1e-3 * top_se) << "hill " << hill;
    EXPECT_NEAR(fit.log10_ic50_se, log_c_se, 1e-3 * log_c_se) << "hill " << hill;
    EXPECT_NEAR(fit.hill_se, hill_se, 1e-3 * hill_se) << "hill " << hill;
    // The 95% interval: log10 IC50 +- t(0.975, n - 4) se, t(0.975, 14) = 2.1448.
    EXPECT_NEAR(std::log10(fit.ic50_high) - std::log10(fit.ic50), 2.144786688 * fit.log10_ic50_se, 1e-6);
    EXPECT_NEAR(std::log10(fit.ic50) - std::log10(fit.ic50_low), 2.144786688 * fit.log10_ic50_se, 1e-6);
  }
}

TEST(CurveFitTest, TooFewConcentrationsIsNotAFit) {
  const LogisticFit fit = fit_logistic({0, 1, 2, 3, 3, 3}, {1, 0.9, 0.5, 0.2, 0.2, 0.21});
  EXPECT_FALSE(fit.converged);  // 0 is skipped: 3 concentrations above 0
  EXPECT_NE(fit.note.find("too few points"), std::string::npos) << fit.note;
  EXPECT_TRUE(std::isnan(fit.ic50));
}

TEST(CurveFitTest, FlatDataDoesNotGiveAFiniteInterval) {
  const LogisticFit fit = fit_logistic({0.1, 0.3, 1, 3, 10, 30}, {1, 1, 1, 1, 1, 1});
  EXPECT_FALSE(fit.converged && std::isfinite(fit.ic50_low) && std::isfinite(fit.ic50_high) &&
               fit.ic50_high / fit.ic50_low < 100)
      << "a flat response has no IC50: " << fit.ic50 << " [" << fit.ic50_low << ", " << fit.ic50_high << "]";
}

TEST(CurveFitTest, LineMatchesNumpyPolyfit) {
  const std::vector<double> t = {0, 24, 48, 72, 96};
  const std::vector<double> y = {8.1, 8.62, 9.05, 9.71, 10.13};
  const LineFit fit = fit_line(t, y);
  EXPECT_EQ(fit.n, 5);
  if (!test::python_has("numpy")) GTEST_SKIP() << "needs /usr/bin/python3 with numpy";
  std::string output;
  ASSERT_EQ(test::run_command("/usr/bin/python3 -c \"import numpy as np; x = np.array([" + joined(t) + "]); y = np.array([" +
                              joined(y) + "]); p, cov = np.polyfit(x, y, 1, cov='unscaled'); r = y - np.polyval(p, x); "
                              "s2 = (r @ r) / (len(x) - 2); print(repr(p[0]), repr(p[1]), repr(np.sqrt(cov[0, 0] * s2)), "
                              "repr(1 - (r @ r) / ((y - y.mean()) @ (y - y.mean()))))\"", &output), 0) << output;
  std::istringstream in(output);
  double slope, intercept, se, r2;
  ASSERT_TRUE(in >> slope >> intercept >> se >> r2) << output;
  EXPECT_NEAR(fit.slope, slope, 1e-12);
  EXPECT_NEAR(fit.intercept, intercept, 1e-10);
  EXPECT_NEAR(fit.slope_se, se, 1e-12);
  EXPECT_NEAR(fit.r2, r2, 1e-12);
  EXPECT_TRUE(std::isnan(fit_line({3, 3}, {1, 2}).slope));  // no spread in x
}

}  // namespace
}  // namespace segoid::analysis
