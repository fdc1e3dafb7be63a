// SPDX-License-Identifier: MIT
// Closing an epoch: its training metrics, BatchNorm recalibration, validation; TensorBoard sample strips.
#include <algorithm>
#include <chrono>
#include <opencv2/imgproc.hpp>

#include "batch_loader.hpp"
#include "device_batch.hpp"
#include "losses.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {

EpochRecord evaluate_epoch(const Setup& setup, model::Unet& model, const Data& data, const Progress& progress,
                           double lr) {
  const auto start = std::chrono::steady_clock::now();
  const PartialEpoch& p = progress.partial;
  EpochRecord r;
  r.epoch = progress.epochs_done + 1;
  r.lr = lr;
  r.train = finalize_metrics(p.loss_sum, p.patches, p.counts);
  recalibrate_batchnorm(setup, model, data, progress.epochs_done,
                        epoch_order(setup.config, data, progress.epochs_done));
  r.val = validate(setup, model, data);
  r.seconds = p.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.data_seconds = p.data_seconds;
  return r;
}

std::vector<cv::Mat> predict_patches(const Setup& setup, model::Unet& model, const std::vector<data::Patch>& patches) {
  model->eval();
  torch::NoGradGuard no_grad;
  std::vector<cv::Mat> out;
  const int batch_size = setup.config.training.batch_size;
  for (std::size_t begin = 0; begin < patches.size(); begin += batch_size) {
    const std::size_t end = std::min(patches.size(), begin + batch_size);
    HostBatch batch = pack_patches({patches.begin() + begin, patches.begin() + end});
    torch::Tensor probs = torch::sigmoid(model->forward(to_device(batch.images, batch.count, batch.size, setup)))
                              .to(torch::kCPU, torch::kFloat32)
                              .contiguous();
    for (int i = 0; i < batch.count; ++i) {
      cv::Mat m(batch.size, batch.size, CV_32FC1, probs[i].data_ptr<float>());
      out.push_back(m.clone());
    }
  }
  return out;
}

EpochMetrics validate(const Setup& setup, model::Unet& model, const Data& data) {
  model->eval();
  torch::NoGradGuard no_grad;
  const TrainConfig& c = setup.config;
  const std::vector<data::Patch>& patches = data.val_patches;
  double loss_sum = 0.0;
  std::int64_t count = 0;
  ConfusionCounts counts;
  const std::size_t batch_size = static_cast<std::size_t>(c.training.batch_size);
  for (std::size_t begin = 0; begin < patches.size(); begin += batch_size) {
    const std::size_t end = std::min(patches.size(), begin + batch_size);
    HostBatch batch = pack_patches({patches.begin() + begin, patches.begin() + end});
    const torch::Tensor images = to_device(batch.images, batch.count, batch.size, setup);
    const torch::Tensor masks = to_device(batch.masks, batch.count, batch.size, setup);
    torch::Tensor logits;
    {
      AutocastGuard autocast(setup.autocast);
      logits = model->forward(images);
    }
    const LossParts loss = combined_loss(logits, masks, c.loss);
    loss_sum += loss.total.item<double>() * batch.count;
    count += batch.count;
    counts += confusion_counts(logits, masks, c.prediction_threshold);
  }
  return finalize_metrics(loss_sum, count, counts);
}

cv::Mat sample_strip(const data::Patch& sample, const cv::Mat& probability) {
  cv::Mat image, truth, prediction, strip;
  sample.image.convertTo(image, CV_8U, 255.0);
  sample.mask.convertTo(truth, CV_8U, 255.0);
  probability.convertTo(prediction, CV_8U, 255.0);
  cv::hconcat(std::vector<cv::Mat>{image, truth, prediction}, strip);  // side by side, as the Python SegOid
  return strip;
}

}  // namespace segoid::train
