// SPDX-License-Identifier: MIT
// Starting a session: device, layout, model, optimizer and schedule, fresh or resumed; the run folder; the patches.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/cpu_info.hpp"
#include "segoid/model/layout_choice.hpp"
#include "segoid/model/torch_runtime.hpp"
#include "segoid/train/contract.hpp"
#include "train_run_dir.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {
namespace {

namespace fs = std::filesystem;

/// The layout to train in: the checkpoint's on resume (so a resumed run stays bit-exact), else
/// forced by training.memory_format or measured on this machine (cached in options.cache_dir).
model::SpeedChoice choose_layout(const TrainConfig& config, const TrainOptions& options, int threads,
                                 const torch::Device& device) {
  const std::string recorded = options.resume.empty() ? "" : recorded_memory_format(options.resume);
  if (!recorded.empty()) {  // a Python checkpoint records none: chosen as for a new run
    if (config.training.memory_format != "auto" && config.training.memory_format != recorded) {
      spdlog::warn("training.memory_format {} ignored: \"{}\" was trained in {}, and resuming keeps it",
                   config.training.memory_format, options.resume.string(), recorded);
    }
    return {recorded, "resumed", {}};
  }
  model::UnetOptions probe;
  probe.encoder = config.model.encoder;
  probe.in_channels = config.model.in_channels;
  probe.classes = config.model.classes;
  return model::choose_training_layout(config.training.memory_format, probe, config.dataset.patch_size,
                                       config.training.batch_size, threads, device.is_cpu(), options.cache_dir);
}

/// run_dir/runtime.yaml: what this machine chose (layout, threads, device) and why.
void write_runtime_yaml(const Setup& setup, int threads, const model::SpeedChoice& layout) {
  std::string text = fmt::format("device: {}\nthreads: {}\ncpu: \"{}\"\nlibtorch: {}\nmemory_format: {}\n"
                                 "memory_format_source: {}\n",
                                 setup.device.str(), threads, core::this_cpu().model, model::torch_version(),
                                 layout.choice, layout.source);
  if (!layout.rates.empty()) {
    text += "memory_format_patches_per_s:\n";
    for (const auto& [name, rate] : layout.rates) text += fmt::format("  {}: {:.3f}\n", name, rate);
  }
  core::write_file_atomic(setup.run_dir / "runtime.yaml", text);
}

/// The model per config (or model.init_checkpoint), its AdamW, plateau schedule and loss scaler.
/// A resumed run replaces the model and their state from the checkpoint afterwards.
Optimization make_optimization(const Setup& setup, Provenance& provenance) {
  const TrainConfig& config = setup.config;
  Optimization o;
  const bool init_from = !config.model.init_checkpoint.empty() && setup.options.resume.empty();
  o.model = init_from ? init_model_from(config, provenance.lineage)
                      : build_model(config, setup.options.weights_dir, &provenance.encoder_weights);
  o.model->to(setup.device);
  if (setup.device.is_cpu()) model::set_weight_layout(o.model, setup.memory_format);
  o.lr = config.training.learning_rate;
  o.optimizer = std::make_unique<torch::optim::AdamW>(
      o.model->parameters(),
      torch::optim::AdamWOptions(config.training.learning_rate).weight_decay(config.training.weight_decay));
  o.scheduler = std::make_unique<ReduceLrOnPlateau>(config.training.learning_rate, config.lr_scheduler);
  if (setup.autocast) o.scaler = std::make_unique<GradScaler>();
  return o;
}

}  // namespace

Session start_session(const TrainConfig& config, const TrainOptions& options) {
  Setup setup;
  setup.config = config;
  setup.options = options;
  const int threads = model::configure_threads(config.threads);
  setup.device = torch::Device(model::resolve_device(config.device));
  setup.autocast = config.mixed_precision && setup.device.is_cuda();
  if (config.mixed_precision && !setup.device.is_cuda()) {
    spdlog::warn("mixed_precision needs CUDA; training in float32 on the CPU");
  }
  spdlog::info("device {}, {} threads, seed {}", setup.device.str(), threads, config.seed);
  // Before build_model: the probe's throw-away models draw from torch's generator, which
  // build_model then seeds.
  const model::SpeedChoice layout = choose_layout(config, options, threads, setup.device);
  setup.memory_format = layout.choice;
  spdlog::info("training layout {}", layout.describe("patches"));
  Provenance provenance;
  Optimization optimization = make_optimization(setup, provenance);
  Progress progress(config.early_stopping.patience, config.early_stopping.min_delta);
  Outputs outputs;
  if (!options.resume.empty()) {
    restore_session(options.resume, setup, optimization, progress, provenance);
    outputs.last_checkpoint = options.resume;
    setup.run_dir = options.run_dir.empty() ? options.resume.parent_path().parent_path() : options.run_dir;
    spdlog::info("resuming from \"{}\" at epoch {} step {}", options.resume.string(), progress.epochs_done + 1,
                 progress.partial.next_step + 1);
  } else if (!options.run_dir.empty()) {
    setup.run_dir = options.run_dir;
  } else {
    setup.run_dir = create_unique_run_dir(config.run_dir);
  }
  fs::create_directories(setup.run_dir / contract::kCheckpointsDir);
  // A killed earlier session of this run may have left unfinished temporary files.
  core::remove_stale_temporaries(setup.run_dir);
  core::remove_stale_temporaries(setup.run_dir / contract::kCheckpointsDir);
  core::write_file_atomic(setup.run_dir / contract::kRunConfigYaml, to_yaml(config));
  write_runtime_yaml(setup, threads, layout);
  if (config.tensorboard.enabled) {
    outputs.tensorboard = std::make_unique<io::TfEventsWriter>(setup.run_dir / contract::kTensorboardDir);
  }
  return Session{std::move(setup), std::move(optimization), std::move(progress), Data{}, std::move(outputs),
                 std::move(provenance)};
}

Data make_data(const TrainConfig& config, std::vector<data::TrainingImage> train_images,
               std::vector<data::TrainingImage> val_images) {
  Data d;
  d.train_sampler = std::make_unique<data::PatchSampler>(std::move(train_images), config.dataset,
                                                         config.dataset.augmentation, config.seed);
  data::AugmentConfig no_augment;
  no_augment.enabled = false;
  const data::PatchSampler val_sampler(std::move(val_images), config.dataset, no_augment, config.seed);
  d.val_patches = val_sampler.validation_patches(config.dataset.patches_per_image);
  return d;
}

}  // namespace segoid::train
