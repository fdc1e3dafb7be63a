// SPDX-License-Identifier: MIT
// One training session in parts, each with one reason to change (train-internal, torch).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "grad_scaler.hpp"
#include "segoid/data/patch_sampler.hpp"
#include "segoid/io/tfevents_writer.hpp"
#include "segoid/model/encoder_weights.hpp"
#include "segoid/model/model_info.hpp"
#include "segoid/model/unet.hpp"
#include "segoid/train/lr_scheduler.hpp"
#include "segoid/train/trainer.hpp"
#include "train_progress.hpp"

namespace segoid::train {

/// How and where the run trains: fixed once start_session returns.
struct Setup {
  TrainConfig config;
  TrainOptions options;
  torch::Device device{torch::kCPU};
  bool autocast = false;  ///< float16 autocast (CUDA + mixed_precision)
  std::string memory_format = "contiguous";  ///< weights and batches: contiguous | channels_last
  std::filesystem::path run_dir;
};

/// The model and what moves its weights: changed by every step (scheduler and lr once per epoch).
struct Optimization {
  model::Unet model{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer;
  std::unique_ptr<ReduceLrOnPlateau> scheduler;
  std::unique_ptr<GradScaler> scaler;  ///< dynamic loss scaling, with autocast only
  double lr = 0.0;                     ///< the optimizer's learning rate (apply_lr sets both)
};

/// The patches: training ones drawn per (seed, epoch, index), a fixed validation set. Read-only.
struct Data {
  std::unique_ptr<data::PatchSampler> train_sampler;
  std::vector<data::Patch> val_patches;
};

/// Where the run reports, beside the run folder's files.
struct Outputs {
  std::unique_ptr<io::TfEventsWriter> tensorboard;  ///< null when tensorboard.enabled is false
  std::filesystem::path last_checkpoint;            ///< last file written or resumed, named in error messages
};

/// Where the model came from; fixed at the start, saved in every checkpoint.
struct Provenance {
  model::EncoderWeightsSource encoder_weights;  ///< the ImageNet file the encoder started from, if any
  std::vector<model::ParentCheckpoint> lineage;  ///< model.init_checkpoint and its ancestors
};

/// A session: built by start_session (fresh or resumed); its checkpoint holds all but Data and Outputs.
struct Session {
  Setup setup;
  Optimization optimization;
  Progress progress;
  Data data;
  Outputs outputs;
  Provenance provenance;
};

}  // namespace segoid::train
