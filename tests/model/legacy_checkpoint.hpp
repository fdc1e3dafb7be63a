// SPDX-License-Identifier: MIT
// Writes a checkpoint as SegOid wrote them before the torch.save format (a LibTorch archive, .pt),
// byte for byte the old writer's layout, so that tests can check such files still load and resume.
#pragma once

#include <torch/torch.h>

#include <filesystem>

#include "segoid/model/checkpoint_info.hpp"
#include "segoid/model/state_dict.hpp"
#include "segoid/model/unet.hpp"

namespace segoid::test {

inline void write_legacy_checkpoint(const std::filesystem::path& path, const model::Unet& net,
                                    const model::CheckpointInfo& info,
                                    const torch::optim::Optimizer* optimizer = nullptr) {
  c10::Dict<std::string, torch::Tensor> weights;
  for (const auto& [name, tensor] : model::state_dict(*net)) weights.insert(name, tensor.detach().clone());
  torch::serialize::OutputArchive archive;
  archive.write("segoid_info_json", c10::IValue(model::info_to_json(info)));
  archive.write("model_state_dict", c10::IValue(weights));
  if (optimizer != nullptr) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  archive.save_to(path.string());
}

}  // namespace segoid::test
