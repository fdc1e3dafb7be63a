// SPDX-License-Identifier: MIT
// Dice, IoU, precision and recall of binary masks.
#include "segoid/data/mask_metrics.hpp"

#include <opencv2/core.hpp>

#include <string>

#include "segoid/core/error.hpp"
#include "segoid/core/metrics.hpp"

namespace segoid::data {
PixelMetrics pixel_metrics(const cv::Mat& predicted, const cv::Mat& truth) {
  if (predicted.type() != CV_8UC1 || truth.type() != CV_8UC1) {
    throw DataError("pixel metrics need 8-bit single-channel masks");
  }
  if (predicted.size() != truth.size()) {
    throw DataError("pixel metrics: predicted mask is " + std::to_string(predicted.cols) + "x" +
                    std::to_string(predicted.rows) + " but the true mask is " + std::to_string(truth.cols) +
                    "x" + std::to_string(truth.rows));
  }
  PixelMetrics m;
  for (int row = 0; row < predicted.rows; ++row) {
    const unsigned char* p = predicted.ptr<unsigned char>(row);
    const unsigned char* t = truth.ptr<unsigned char>(row);
    std::int64_t pred = 0;
    std::int64_t tru = 0;
    std::int64_t both = 0;
    for (int col = 0; col < predicted.cols; ++col) {
      const bool a = p[col] != 0;
      const bool b = t[col] != 0;
      pred += a;
      tru += b;
      both += a && b;
    }
    m.pred_pixels += pred;
    m.true_pixels += tru;
    m.true_positive += both;
  }
  core::assign_scores(core::scores_from_counts(m.true_positive, m.pred_pixels - m.true_positive,
                                               m.true_pixels - m.true_positive),
                      m);
  return m;
}

}  // namespace segoid::data
