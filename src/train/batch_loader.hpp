// SPDX-License-Identifier: MIT
// Background batch preparation: worker threads sample patches into batches, delivered in order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "segoid/data/patch_sampler.hpp"

namespace segoid::train {

/// A batch as plain memory: images and masks N x 1 x S x S, float, row-major, ready for from_blob.
struct HostBatch {
  int count = 0;   ///< patches in the batch
  int size = 0;    ///< patch side S
  std::vector<float> images;
  std::vector<float> masks;  ///< 0/1
};

/// Copies `patches` (CV_32FC1 images, CV_8UC1 0/1 masks, all S x S) into one HostBatch.
HostBatch pack_patches(const std::vector<data::Patch>& patches);

/// Produces the batches of one epoch: batch b holds sample(epoch, order[b*B + i]). With
/// `workers` > 0, that many threads prepare up to 2 x workers batches ahead (bounded memory);
/// with 0, next() prepares each batch inline. Workers use OpenCV only, never torch.
class BatchLoader {
 public:
  BatchLoader(const data::PatchSampler& sampler, std::int64_t epoch, std::vector<std::int64_t> order,
              int batch_size, int first_batch, int workers);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  int batch_count() const { return batch_count_; }
  /// The next batch in order; blocks until it is ready. Rethrows a worker's exception.
  HostBatch next();

 private:
  HostBatch make_batch(int batch_index) const;
  void worker_loop();

  const data::PatchSampler& sampler_;
  std::int64_t epoch_;
  std::vector<std::int64_t> order_;
  int batch_size_;
  int batch_count_;
  int next_to_deliver_;
  int next_to_make_;
  int capacity_;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::map<int, HostBatch> ready_;
  std::mutex mutex_;
  std::condition_variable ready_cv_;
  std::condition_variable space_cv_;
  std::vector<std::thread> threads_;
};

}  // namespace segoid::train
