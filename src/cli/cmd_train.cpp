// SPDX-License-Identifier: MIT
// `segoid train`: trains a U-Net from a train.yaml; Ctrl-C stops with a resumable checkpoint.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cache_dir.hpp"
#include "command_registry.hpp"
#include "weights_dirs.hpp"
#include "interrupt.hpp"
#include "key_flags.hpp"
#include "model_dirs.hpp"
#include "segoid/core/error.hpp"
#include "segoid/train/contract.hpp"
#include "segoid/train/trainer.hpp"

namespace segoid::cli::cmd_train {
namespace {

/// Command-line values that are no config key (the keys' flags come from their table rows).
struct TrainCliOptions {
  std::filesystem::path config;
  std::filesystem::path resume;
  std::string init_from;
  std::vector<std::string> allow_changes;
};

int run_train(const TrainCliOptions& cli, const KeyFlags<train::TrainConfig>& keys) {
  if (cli.config.empty() && cli.resume.empty()) throw ConfigError("train: give --config (or --resume CKPT|RUN_DIR)");
  // --resume RUN_DIR: the newest intact state in its checkpoints/ (last.pth after a kill -9); a run
  // killed before its first checkpoint starts over in the same folder from its config.yaml.
  std::filesystem::path resume = cli.resume;
  std::filesystem::path restart_dir;
  if (!resume.empty() && std::filesystem::is_directory(resume)) {
    const std::filesystem::path found = train::find_resume_checkpoint(resume);
    if (found.empty()) {
      if (!std::filesystem::is_regular_file(resume / train::contract::kRunConfigYaml)) {
        throw ConfigError("train --resume \"" + resume.string() +
                          "\": no checkpoint in its checkpoints/ and no config.yaml: not a run folder");
      }
      spdlog::warn("\"{}\" has no checkpoint yet: starting that run over from epoch 1 with its config.yaml",
                   resume.string());
      restart_dir = resume;
    }
    resume = found;
  }
  // Without --config, a resumed run uses the config stored in its checkpoint.
  train::TrainConfig config = !cli.config.empty()      ? train::load_train_config(cli.config)
                              : !restart_dir.empty() ? train::load_train_config(restart_dir / train::contract::kRunConfigYaml)
                                                     : train::config_from_checkpoint(resume);
  const std::set<std::string> flagged = keys.apply(config);
  config.named_keys.insert(flagged.begin(), flagged.end());
  if (!cli.init_from.empty()) {
    if (!cli.resume.empty()) {
      throw ConfigError("train: --init-from starts a new run from a model's weights and --resume continues a run; "
                        "give one of them");
    }
    config.model.init_checkpoint = cli.init_from;
  }
  if (!config.model.init_checkpoint.empty()) {
    config.model.init_checkpoint = resolve_checkpoint(config.model.init_checkpoint.string());
  }
  train::TrainOptions options;
  options.cache_dir = speed_cache_dir();
  options.config_path = cli.config;
  options.resume = resume;
  options.run_dir = restart_dir;
  options.weights_dir = cli::encoder_weight_dirs();
  options.allowed_changes.insert(cli.allow_changes.begin(), cli.allow_changes.end());
  train::TrainResult result;
  {
    InterruptGuard guard;
    options.interrupt = guard.flag();
    result = train::train_model(config, options);
  }
  if (result.interrupted) {
    std::cerr << fmt::format("segoid train: interrupted during epoch {} ({} epochs complete); state saved to \"{}\".\n"
                             "Resume with: {}\n",
                             result.epochs_completed + 1, result.epochs_completed, result.interrupted_checkpoint.string(),
                             cli.config.empty() ? "segoid train --resume " + result.run_dir.string()
                                                : result.resume_command);
    return kInterruptedExitCode;
  }
  std::cout << fmt::format("best val Dice {:.4f} at epoch {} of {}{}\nrun folder: {}\n", result.best_val_dice,
                           result.best_epoch, result.epochs_completed,
                           result.early_stopped           ? " (early stopping)"
                           : result.time_budget_reached ? " (time budget training.max_minutes used up)"
                                                        : "",
                           result.run_dir.string());
  return 0;
}

const bool kRegistered = register_command({
    "train", {}, "Train a U-Net on the images of a train/val split (config: configs/train.yaml)", 40,
    [](CLI::App& sub) -> std::function<int()> {
      auto opt = std::make_shared<TrainCliOptions>();
      sub.add_option("--config", opt->config, "Training config YAML (keys of the Python SegOid's train.yaml)")
          ->check(CLI::ExistingFile);
      sub.add_option("--resume", opt->resume,
                     "Continue a run: its folder (the newest intact state: interrupted.pth after Ctrl-C, last.pth "
                     "after a kill) or one checkpoint *.pth of it (or a legacy .pt, or a Python SegOid .pth with its "
                     "optimizer state); without --config its stored config is used")
          ->check(CLI::ExistingPath);
      const auto keys = add_key_flags(sub, train::train_config_table());
      // model.init_checkpoint, as a file that must exist and never together with --resume.
      sub.add_option("--init-from", opt->init_from,
                     "Start from this model's weights (SegOid .pth or .pt, Python .pth, or a model name: spheroid-base) with "
                     "a fresh optimizer and schedule, in a new run folder; sets model.init_checkpoint. Keys the "
                     "config leaves unset that the model's predictions depend on (model.image_scale, normalization, "
                     "...) are the model's");
      sub.add_option("--allow-change", opt->allow_changes,
                     "With --init-from: let the config set this inherited key (e.g. model.image_scale) to another "
                     "value than the parent model's; repeatable. Without it such a config is refused");
      sub.footer(
          "Ctrl-C finishes the current step, writes <run>/checkpoints/interrupted.pth and exits with code 130;\n"
          "a second Ctrl-C quits at once. Every epoch also writes <run>/checkpoints/last.pth atomically, so after\n"
          "a kill -9 or power cut `segoid train --resume <run>` repeats at most the epoch that was running.\n"
          "Encoder weights for model.encoder_weights: imagenet are read from model.encoder_weights_path,\n"
          "$SEGOID_WEIGHTS_DIR or PyTorch's hub cache (never downloaded).");
      return [opt, keys] { return run_train(*opt, *keys); };
    }});

}  // namespace
}  // namespace segoid::cli::cmd_train
