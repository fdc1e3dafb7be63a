// SPDX-License-Identifier: MIT
// GSL fits: gsl_fit_linear for lines, gsl_multifit_nlinear (trust-region LM) for the 4PL curve.
#include "segoid/analysis/curve_fit.hpp"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit_nlinear.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "segoid/core/numbers.hpp"

namespace segoid::analysis {
namespace {

using core::kNaN;
constexpr double kLn10 = 2.302585092994045684;
constexpr std::size_t kParameters = 4;  // top, bottom, log10 ic50, hill
constexpr int kMinConcentrations = 4;
constexpr std::size_t kMaxIterations = 500;
constexpr double kXTolerance = 1e-10, kGTolerance = 1e-10, kFTolerance = 0.0;
constexpr double kConfidence = 0.975;  // two-sided 95%

// GSL's default handler aborts the process; errors come back as status codes instead.
void quiet_gsl() {
  static const bool done = [] {
    gsl_set_error_handler_off();
    return true;
  }();
  (void)done;
}

struct Points {
  std::vector<double> log_x, y;
};

// g = 1 / (1 + 10^u) and g (1 - g), without overflow for large |u|.
void logistic_terms(double u, double& g, double& slope) {
  if (u > 0) {
    const double e = std::pow(10.0, -u);  // <= 1
    g = e / (1 + e);
  } else {
    g = 1 / (1 + std::pow(10.0, u));
  }
  slope = g * (1 - g);
}

int residuals(const gsl_vector* p, void* data, gsl_vector* f) {
  const auto& pts = *static_cast<const Points*>(data);
  const double top = gsl_vector_get(p, 0), bottom = gsl_vector_get(p, 1);
  const double log_c = gsl_vector_get(p, 2), hill = gsl_vector_get(p, 3);
  for (std::size_t i = 0; i < pts.y.size(); ++i) {
    double g = 0, slope = 0;
    logistic_terms((pts.log_x[i] - log_c) * hill, g, slope);
    gsl_vector_set(f, i, bottom + (top - bottom) * g - pts.y[i]);
  }
  return GSL_SUCCESS;
}

int jacobian(const gsl_vector* p, void* data, gsl_matrix* J) {
  const auto& pts = *static_cast<const Points*>(data);
  const double top = gsl_vector_get(p, 0), bottom = gsl_vector_get(p, 1);
  const double log_c = gsl_vector_get(p, 2), hill = gsl_vector_get(p, 3);
  for (std::size_t i = 0; i < pts.y.size(); ++i) {
    const double d = pts.log_x[i] - log_c;
    double g = 0, slope = 0;
    logistic_terms(d * hill, g, slope);
    // dg/du = -ln10 g (1 - g), u = (log x - log c) hill.
    const double dg_du = -kLn10 * slope;
    gsl_matrix_set(J, i, 0, g);
    gsl_matrix_set(J, i, 1, 1 - g);
    gsl_matrix_set(J, i, 2, (top - bottom) * dg_du * -hill);
    gsl_matrix_set(J, i, 3, (top - bottom) * dg_du * d);
  }
  return GSL_SUCCESS;
}

}  // namespace

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  quiet_gsl();
  LineFit fit;
  fit.n = static_cast<int>(std::min(x.size(), y.size()));
  fit.slope = fit.intercept = fit.slope_se = fit.r2 = kNaN;
  if (fit.n < 2 || *std::min_element(x.begin(), x.begin() + fit.n) == *std::max_element(x.begin(), x.begin() + fit.n)) {
    return fit;
  }
  double cov00 = 0, cov01 = 0, cov11 = 0, sumsq = 0;
  if (gsl_fit_linear(x.data(), 1, y.data(), 1, static_cast<std::size_t>(fit.n), &fit.intercept, &fit.slope, &cov00,
                     &cov01, &cov11, &sumsq) != GSL_SUCCESS) {
    fit.slope = fit.intercept = kNaN;
    return fit;
  }
  // GSL scales the covariance by sumsq / (n - 2): undefined with two points.
  fit.slope_se = fit.n > 2 ? std::sqrt(cov11) : kNaN;
  double mean = 0, total = 0;
  for (int i = 0; i < fit.n; ++i) mean += y[i] / fit.n;
  for (int i = 0; i < fit.n; ++i) total += (y[i] - mean) * (y[i] - mean);
  fit.r2 = total > 0 ? 1 - sumsq / total : kNaN;
  return fit;
}

double logistic_value(const LogisticFit& fit, double x) {
  double g = 0, slope = 0;
  logistic_terms((std::log10(x) - std::log10(fit.ic50)) * fit.hill, g, slope);
  return fit.bottom + (fit.top - fit.bottom) * g;
}

LogisticFit fit_logistic(const std::vector<double>& x, const std::vector<double>& y) {
  quiet_gsl();
  LogisticFit fit;
  fit.top = fit.bottom = fit.ic50 = fit.hill = fit.ic50_low = fit.ic50_high = kNaN;
  fit.log10_ic50_se = fit.top_se = fit.bottom_se = fit.hill_se = fit.rss = kNaN;
  Points pts;
  std::map<double, std::pair<double, int>> by_x;  // concentration -> (sum of y, count)
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    if (!(x[i] > 0) || !std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    pts.log_x.push_back(std::log10(x[i]));
    pts.y.push_back(y[i]);
    by_x[x[i]].first += y[i];
    ++by_x[x[i]].second;
  }
  fit.n = static_cast<int>(pts.y.size());
  if (static_cast<int>(by_x.size()) < kMinConcentrations || pts.y.size() <= kParameters) {
    fit.note = "too few points: a 4-parameter fit needs 4 concentrations above 0 and 5 wells";
    return fit;
  }
  // Start values from the data: the responses at both ends and where they cross their midpoint.
  const double top0 = by_x.begin()->second.first / by_x.begin()->second.second;
  const double bottom0 = by_x.rbegin()->second.first / by_x.rbegin()->second.second;
  const double middle = (top0 + bottom0) / 2;
  double log_c0 = std::log10(by_x.begin()->first) / 2 + std::log10(by_x.rbegin()->first) / 2;
  for (auto it = by_x.begin(), next = std::next(it); next != by_x.end(); ++it, ++next) {
    const double a = it->second.first / it->second.second, b = next->second.first / next->second.second;
    if ((a - middle) * (b - middle) <= 0 && a != b) {
      const double t = (middle - a) / (b - a);
      log_c0 = std::log10(it->first) + t * (std::log10(next->first) - std::log10(it->first));
      break;
    }
  }
  const std::size_t n = pts.y.size();
  gsl_multifit_nlinear_fdf fdf{};
  fdf.f = residuals;
  fdf.df = jacobian;
  fdf.fvv = nullptr;
  fdf.n = n;
  fdf.p = kParameters;
  fdf.params = &pts;
  gsl_multifit_nlinear_parameters params = gsl_multifit_nlinear_default_parameters();
  std::unique_ptr<gsl_multifit_nlinear_workspace, decltype(&gsl_multifit_nlinear_free)> work(
      gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &params, n, kParameters), &gsl_multifit_nlinear_free);
  std::unique_ptr<gsl_matrix, decltype(&gsl_matrix_free)> covar(gsl_matrix_alloc(kParameters, kParameters),
                                                                 &gsl_matrix_free);
  if (!work || !covar) {
    fit.note = "GSL could not allocate the fit";
    return fit;
  }
  double start[kParameters] = {top0, bottom0, log_c0, 1.0};
  gsl_vector_view start_view = gsl_vector_view_array(start, kParameters);
  int info = 0;
  int status = gsl_multifit_nlinear_init(&start_view.vector, &fdf, work.get());
  if (status == GSL_SUCCESS) {
    status = gsl_multifit_nlinear_driver(kMaxIterations, kXTolerance, kGTolerance, kFTolerance, nullptr, nullptr,
                                         &info, work.get());
  }
  fit.iterations = static_cast<int>(gsl_multifit_nlinear_niter(work.get()));
  const gsl_vector* best = gsl_multifit_nlinear_position(work.get());
  fit.top = gsl_vector_get(best, 0);
  fit.bottom = gsl_vector_get(best, 1);
  const double log_c = gsl_vector_get(best, 2);
  fit.hill = gsl_vector_get(best, 3);
  fit.ic50 = std::pow(10.0, log_c);
  gsl_blas_ddot(gsl_multifit_nlinear_residual(work.get()), gsl_multifit_nlinear_residual(work.get()), &fit.rss);
  // scipy's curve_fit convention (absolute_sigma=False): (J^T J)^-1 scaled by rss / (n - p).
  const auto dof = static_cast<double>(n - kParameters);
  const bool covariance = gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(work.get()), 0.0, covar.get()) == GSL_SUCCESS;
  const auto se = [&](std::size_t i) { return covariance ? std::sqrt(gsl_matrix_get(covar.get(), i, i) * fit.rss / dof) : kNaN; };
  fit.top_se = se(0);
  fit.bottom_se = se(1);
  fit.log10_ic50_se = se(2);
  fit.hill_se = se(3);
  const double t = gsl_cdf_tdist_Pinv(kConfidence, dof);
  fit.ic50_low = std::pow(10.0, log_c - t * fit.log10_ic50_se);
  fit.ic50_high = std::pow(10.0, log_c + t * fit.log10_ic50_se);
  const bool finite = std::isfinite(fit.top) && std::isfinite(fit.bottom) && std::isfinite(fit.ic50) &&
                      std::isfinite(fit.hill) && fit.ic50 > 0 && std::isfinite(fit.ic50_low) && std::isfinite(fit.ic50_high);
  fit.converged = status == GSL_SUCCESS && finite;
  if (status != GSL_SUCCESS) {
    fit.note = std::string("the fit did not converge (GSL: ") + gsl_strerror(status) + ")";
  } else if (!finite) {
    fit.note = "the fit gave a non-finite parameter or interval (flat or one-sided data)";
  }
  return fit;
}

}  // namespace segoid::analysis
