// SPDX-License-Identifier: MIT
// Re-estimates BatchNorm running statistics before validation ("precise BN").
#include <spdlog/spdlog.h>

#include "batch_loader.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {

void recalibrate_batchnorm(const Setup& setup, model::Unet& model, const Data& data, int epoch,
                           const std::vector<std::int64_t>& order) {
  // Why: training uses batch statistics, eval uses the running averages (momentum 0.1). While the
  // weights still move fast (random init, the first epochs), those averages lag far behind and the
  // eval-mode network scores near zero on patches it segments well in train mode. Averaging the
  // statistics of a few training batches under the current weights (equal weights: momentum
  // None) fixes eval without touching training: gradients never see the running averages.
  std::vector<torch::nn::BatchNorm2dImpl*> norms;
  for (const auto& module : model->modules(/*include_self=*/false)) {
    if (auto* bn = module->as<torch::nn::BatchNorm2dImpl>()) norms.push_back(bn);
  }
  if (norms.empty()) return;
  const int batch_size = setup.config.training.batch_size;
  const int batches = std::min<int>(kRecalibrationBatches, static_cast<int>(order.size()) / batch_size);
  if (batches < 1) return;
  torch::NoGradGuard no_grad;
  std::vector<c10::optional<double>> momentum;
  for (auto* bn : norms) {
    momentum.push_back(bn->options.momentum());
    bn->reset_running_stats();
    bn->options.momentum(c10::nullopt);
  }
  model->train();
  for (int b = 0; b < batches; ++b) {
    std::vector<data::Patch> patches;
    for (int i = 0; i < batch_size; ++i) {
      patches.push_back(data.train_sampler->sample(epoch, order[static_cast<std::size_t>(b * batch_size + i)]));
    }
    HostBatch batch = pack_patches(patches);
    torch::Tensor images = torch::from_blob(batch.images.data(), {batch.count, 1, batch.size, batch.size});
    model->forward(images.to(setup.device));
  }
  for (std::size_t i = 0; i < norms.size(); ++i) norms[i]->options.momentum(momentum[i]);
  spdlog::debug("BatchNorm statistics re-estimated from {} training batches", batches);
}

}  // namespace segoid::train
