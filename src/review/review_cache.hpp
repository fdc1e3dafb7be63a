// SPDX-License-Identifier: MIT
// Caches of the review page: decoded plates (LRU by count) and encoded previews (LRU by bytes).
#pragma once

#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "segoid/review/review_render.hpp"

namespace segoid::review {

/// Thread-safe. A plate or encoded blob is made once even when several threads ask at once.
class ReviewCache {
 public:
  ReviewCache(std::vector<ReviewItem> items, size_t plate_capacity, size_t byte_budget);

  /// The decoded plate of item `index` (loads it on a miss). Throws like load_review_plate.
  std::shared_ptr<const ReviewPlate> plate(size_t index);
  /// The bytes stored under `key`, made by `make` on a miss. Exceptions of `make` propagate.
  std::shared_ptr<const std::string> encoded(const std::string& key, const std::function<std::string()>& make);
  /// The mask of item `index` at edit version `version`, made by `make` on a miss (one per item).
  std::shared_ptr<const cv::Mat> mask(size_t index, int version, const std::function<cv::Mat()>& make);
  /// Stores a blob made elsewhere (the background worker's thumbnails).
  void put(const std::string& key, std::string bytes);

 private:
  template <class Value, class Make>
  std::shared_ptr<const Value> get_or_make(std::list<std::pair<std::string, std::shared_ptr<const Value>>>& lru,
                                           const std::string& key, const Make& make);
  void trim();

  std::vector<ReviewItem> items_;
  size_t plate_capacity_, byte_budget_;
  std::mutex mutex_;
  std::condition_variable made_;
  std::set<std::string> in_flight_;
  std::list<std::pair<std::string, std::shared_ptr<const ReviewPlate>>> plates_;
  std::list<std::pair<std::string, std::shared_ptr<const std::string>>> blobs_;
  std::list<std::pair<std::string, std::shared_ptr<const cv::Mat>>> masks_;
};

}  // namespace segoid::review
