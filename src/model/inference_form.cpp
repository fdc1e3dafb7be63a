// SPDX-License-Identifier: MIT
// BatchNorm folding and channels_last weights for fast eval forwards.
#include "segoid/model/inference_form.hpp"

#include <map>

#include "segoid/core/error.hpp"

namespace segoid::model {
namespace {

namespace nn = torch::nn;

/// Name of the BatchNorm that follows a convolution in smp's layout: "x.conv1" -> "x.bn1",
/// "x.downsample.0" / "decoder...conv1.0" -> ".1"; "" when the name fits neither pattern.
std::string batch_norm_name(const std::string& conv_name) {
  const size_t dot = conv_name.rfind('.');
  const std::string head = dot == std::string::npos ? "" : conv_name.substr(0, dot + 1);
  const std::string last = conv_name.substr(dot == std::string::npos ? 0 : dot + 1);
  if (last == "0") return head + "1";
  if (last.rfind("conv", 0) == 0) return head + "bn" + last.substr(4);
  return "";
}

}  // namespace

Unet make_inference_model(const Unet& trained) {
  SEGOID_CHECK(!trained.is_empty(), "make_inference_model needs a model");
  if (trained->options().folded_batchnorm) throw ModelError("model is already in inference form");
  UnetOptions options = trained->options();
  options.folded_batchnorm = true;
  Unet folded(options);

  std::map<std::string, std::shared_ptr<nn::Module>> source;
  for (const auto& item : trained->named_modules()) source[item.key()] = item.value();

  torch::NoGradGuard no_grad;
  for (const auto& item : folded->named_modules()) {
    auto* target = item.value()->as<nn::Conv2d>();
    if (target == nullptr) continue;
    const auto conv_it = source.find(item.key());
    auto* conv = conv_it == source.end() ? nullptr : conv_it->second->as<nn::Conv2d>();
    SEGOID_CHECK(conv != nullptr, "inference form: no convolution " + item.key());
    // Fold in double: the rescaling then adds no rounding beyond the final cast.
    torch::Tensor weight = conv->weight.detach().to(torch::kDouble);
    torch::Tensor bias = conv->bias.defined() ? conv->bias.detach().to(torch::kDouble)
                                              : torch::zeros({weight.size(0)}, weight.options());
    const auto bn_it = source.find(batch_norm_name(item.key()));
    auto* bn = bn_it == source.end() ? nullptr : bn_it->second->as<nn::BatchNorm2d>();
    if (bn != nullptr) {
      const torch::Tensor scale =
          bn->weight.to(torch::kDouble) / torch::sqrt(bn->running_var.to(torch::kDouble) + bn->options.eps());
      weight = weight * scale.view({-1, 1, 1, 1});
      bias = bn->bias.to(torch::kDouble) + (bias - bn->running_mean.to(torch::kDouble)) * scale;
    }
    target->weight.copy_(weight);
    SEGOID_CHECK(target->bias.defined(), "inference form: convolution without bias " + item.key());
    target->bias.copy_(bias);
  }
  folded->to(trained->parameters().front().device());
  for (auto& p : folded->parameters()) {
    p.set_requires_grad(false);
    // to(ChannelsLast) rewrites strides even for 1-channel weights, where contiguous() would not.
    if (p.dim() == 4) p.set_data(p.to(torch::MemoryFormat::ChannelsLast));
  }
  folded->eval();
  return folded;
}

}  // namespace segoid::model
