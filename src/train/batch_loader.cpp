// SPDX-License-Identifier: MIT
// Ordered, bounded background batch preparation.
#include "batch_loader.hpp"

#include <cstring>

#include "segoid/core/error.hpp"

namespace segoid::train {

HostBatch pack_patches(const std::vector<data::Patch>& patches) {
  SEGOID_CHECK(!patches.empty(), "pack_patches needs at least one patch");
  HostBatch batch;
  batch.count = static_cast<int>(patches.size());
  batch.size = patches.front().image.rows;
  const std::size_t plane = static_cast<std::size_t>(batch.size) * batch.size;
  batch.images.resize(plane * patches.size());
  batch.masks.resize(plane * patches.size());
  for (std::size_t i = 0; i < patches.size(); ++i) {
    const data::Patch& p = patches[i];
    SEGOID_CHECK(p.image.type() == CV_32FC1 && p.image.rows == batch.size && p.image.cols == batch.size,
                 "patch image must be a square CV_32FC1 of the batch's size");
    SEGOID_CHECK(p.mask.type() == CV_8UC1 && p.mask.size() == p.image.size(), "patch mask must be CV_8UC1");
    float* image_out = batch.images.data() + i * plane;
    float* mask_out = batch.masks.data() + i * plane;
    for (int row = 0; row < batch.size; ++row) {
      std::memcpy(image_out + static_cast<std::size_t>(row) * batch.size, p.image.ptr<float>(row),
                  sizeof(float) * batch.size);
      const unsigned char* m = p.mask.ptr<unsigned char>(row);
      float* mo = mask_out + static_cast<std::size_t>(row) * batch.size;
      for (int col = 0; col < batch.size; ++col) mo[col] = m[col] != 0 ? 1.0f : 0.0f;
    }
  }
  return batch;
}

BatchLoader::BatchLoader(const data::PatchSampler& sampler, std::int64_t epoch, std::vector<std::int64_t> order,
                         int batch_size, int first_batch, int workers)
    : sampler_(sampler),
      epoch_(epoch),
      order_(std::move(order)),
      batch_size_(batch_size),
      batch_count_(static_cast<int>((order_.size() + batch_size - 1) / batch_size)),
      next_to_deliver_(first_batch),
      next_to_make_(first_batch),
      capacity_(2 * std::max(workers, 1)) {
  SEGOID_CHECK(batch_size > 0, "batch size must be positive");
  for (int w = 0; w < workers; ++w) threads_.emplace_back([this] { worker_loop(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  space_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

HostBatch BatchLoader::make_batch(int batch_index) const {
  const std::size_t begin = static_cast<std::size_t>(batch_index) * batch_size_;
  const std::size_t end = std::min(order_.size(), begin + batch_size_);
  std::vector<data::Patch> patches;
  patches.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) patches.push_back(sampler_.sample(epoch_, order_[i]));
  return pack_patches(patches);
}

void BatchLoader::worker_loop() {
  for (;;) {
    int index = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      space_cv_.wait(lock, [&] {
        return stopping_ || next_to_make_ >= batch_count_ || next_to_make_ < next_to_deliver_ + capacity_;
      });
      if (stopping_ || next_to_make_ >= batch_count_) return;
      index = next_to_make_++;
    }
    HostBatch batch;
    try {
      batch = make_batch(index);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
      ready_cv_.notify_all();
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace(index, std::move(batch));
    }
    ready_cv_.notify_all();
  }
}

HostBatch BatchLoader::next() {
  SEGOID_CHECK(next_to_deliver_ < batch_count_, "BatchLoader::next past the end of the epoch");
  if (threads_.empty()) return make_batch(next_to_deliver_++);
  std::unique_lock<std::mutex> lock(mutex_);
  ready_cv_.wait(lock, [&] { return error_ || ready_.count(next_to_deliver_) != 0; });
  if (ready_.count(next_to_deliver_) == 0) std::rethrow_exception(error_);
  HostBatch batch = std::move(ready_.at(next_to_deliver_));
  ready_.erase(next_to_deliver_);
  ++next_to_deliver_;
  lock.unlock();
  space_cv_.notify_all();
  return batch;
}

}  // namespace segoid::train
