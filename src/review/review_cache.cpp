// SPDX-License-Identifier: MIT
// LRU caches of decoded plates, edited masks and encoded previews for the review page.
#include "review_cache.hpp"

#include <algorithm>

namespace segoid::review {

ReviewCache::ReviewCache(std::vector<ReviewItem> items, size_t plate_capacity, size_t byte_budget)
    : items_(std::move(items)), plate_capacity_(std::max<size_t>(1, plate_capacity)), byte_budget_(byte_budget) {}

template <class Value, class Make>
std::shared_ptr<const Value> ReviewCache::get_or_make(
    std::list<std::pair<std::string, std::shared_ptr<const Value>>>& lru, const std::string& key, const Make& make) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    auto hit = std::find_if(lru.begin(), lru.end(), [&](const auto& entry) { return entry.first == key; });
    if (hit != lru.end()) {
      lru.splice(lru.begin(), lru, hit);  // most recently used first
      return lru.front().second;
    }
    if (!in_flight_.count(key)) break;
    made_.wait(lock);
  }
  in_flight_.insert(key);
  lock.unlock();
  std::shared_ptr<const Value> value;
  try {
    value = std::make_shared<const Value>(make());
  } catch (...) {
    lock.lock();
    in_flight_.erase(key);
    made_.notify_all();
    throw;
  }
  lock.lock();
  in_flight_.erase(key);
  lru.emplace_front(key, value);
  trim();
  made_.notify_all();
  return value;
}

void ReviewCache::trim() {
  while (plates_.size() > plate_capacity_) plates_.pop_back();
  while (masks_.size() > plate_capacity_ + 1) masks_.pop_back();
  size_t bytes = 0;
  for (const auto& entry : blobs_) bytes += entry.second->size();
  while (bytes > byte_budget_ && blobs_.size() > 1) {
    bytes -= blobs_.back().second->size();
    blobs_.pop_back();
  }
}

std::shared_ptr<const ReviewPlate> ReviewCache::plate(size_t index) {
  return get_or_make(plates_, std::to_string(index), [&] { return load_review_plate(items_.at(index)); });
}

std::shared_ptr<const std::string> ReviewCache::encoded(const std::string& key,
                                                        const std::function<std::string()>& make) {
  return get_or_make(blobs_, key, make);
}

std::shared_ptr<const cv::Mat> ReviewCache::mask(size_t index, int version, const std::function<cv::Mat()>& make) {
  {
    // One edited mask per item: drop the older versions of this item.
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string prefix = std::to_string(index) + ":";
    masks_.remove_if([&](const auto& entry) {
      return entry.first.rfind(prefix, 0) == 0 && entry.first != prefix + std::to_string(version);
    });
  }
  return get_or_make(masks_, std::to_string(index) + ":" + std::to_string(version), make);
}

void ReviewCache::put(const std::string& key, std::string bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  blobs_.remove_if([&](const auto& entry) { return entry.first == key; });
  blobs_.emplace_front(key, std::make_shared<const std::string>(std::move(bytes)));
  trim();
}

}  // namespace segoid::review
