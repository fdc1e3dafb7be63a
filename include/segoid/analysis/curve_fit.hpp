// SPDX-License-Identifier: MIT
// Least-squares fits for plate assays through GSL: a straight line (growth on a log scale) and the
// four-parameter logistic of dose-response curves (gsl_multifit_nlinear, with its covariance).
#pragma once

#include <string>
#include <vector>

namespace segoid::analysis {

/// y = intercept + slope x, ordinary least squares (gsl_fit_linear).
struct LineFit {
  double slope = 0;
  double intercept = 0;
  double slope_se = 0;  ///< standard error of the slope from the residual scatter; NaN with 2 points
  double r2 = 0;        ///< coefficient of determination; NaN when y is constant
  int n = 0;
};

/// Fits a line to (x[i], y[i]); x and y have equal sizes. Needs 2 points with distinct x;
/// returns NaN slope and intercept otherwise.
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

/// y = bottom + (top - bottom) / (1 + (x / ic50)^hill), x > 0: top is the response at x -> 0,
/// bottom at x -> infinity; hill > 0 for a falling curve when top > bottom.
struct LogisticFit {
  double top = 0, bottom = 0, ic50 = 0, hill = 0;
  double ic50_low = 0, ic50_high = 0;  ///< 95% interval: log10(ic50) +- t(0.975, n - 4) se
  double log10_ic50_se = 0;            ///< from the covariance, scaled by the residual variance
  double top_se = 0, bottom_se = 0, hill_se = 0;
  double rss = 0;                      ///< residual sum of squares
  int n = 0;                           ///< points used
  int iterations = 0;
  bool converged = false;              ///< GSL reported convergence and every value is finite
  std::string note;                    ///< why not converged (empty when it did)
};

/// Value of the curve at `x`.
double logistic_value(const LogisticFit& fit, double x);

/// Fits the curve by GSL's trust-region Levenberg-Marquardt over (top, bottom, log10 ic50, hill)
/// from start values read off the data (top and bottom: mean responses at the lowest and highest
/// concentration, ic50: where the response crosses their midpoint, hill 1). Points with x <= 0
/// or a non-finite value are skipped. Needs 4 distinct concentrations and 5 points; with fewer,
/// converged is false and `note` says why. Never throws for bad data.
LogisticFit fit_logistic(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace segoid::analysis
