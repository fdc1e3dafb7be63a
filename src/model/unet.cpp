// SPDX-License-Identifier: MIT
// U-Net/ResNet modules with smp's names, torchvision/smp initialization and forward.
#include "segoid/model/unet.hpp"


#include "segoid/core/error.hpp"

namespace segoid::model {
namespace {

namespace nn = torch::nn;

constexpr int64_t kStemChannels = 64;
constexpr int64_t kStemKernel = 7;
constexpr int64_t kStemStride = 2;
constexpr int64_t kStemPadding = 3;
constexpr int64_t kSizeMultiple = 32;  // 5 stride-2 stages
constexpr double kUpsampleFactor = 2.0;

nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool bias) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(bias));
}

/// Empty holder in the folded form, so that the BatchNorm's slot holds nothing and costs nothing.
nn::BatchNorm2d batch_norm(int64_t channels, bool folded) {
  return folded ? nn::BatchNorm2d(nullptr) : nn::BatchNorm2d(channels);
}

/// Sequential slot for a BatchNorm: the BatchNorm itself or an Identity (keeps smp's indices).
void push_norm(nn::Sequential& seq, int64_t channels, bool folded) {
  if (folded) {
    seq->push_back(nn::Identity());
  } else {
    seq->push_back(nn::BatchNorm2d(channels));
  }
}

/// torchvision ResNet init for encoder convolutions (BatchNorm defaults are already 1 and 0).
void init_encoder(nn::Module& encoder) {
  for (auto& module : encoder.modules(/*include_self=*/false)) {
    if (auto* c = module->as<nn::Conv2d>()) {
      nn::init::kaiming_normal_(c->weight, /*a=*/0.0, torch::kFanOut, torch::kReLU);
    }
  }
}

/// smp's initialize_decoder: kaiming uniform fan_in for convolutions, zero bias, BN 1/0.
void init_decoder(nn::Module& decoder) {
  for (auto& module : decoder.modules(/*include_self=*/false)) {
    if (auto* c = module->as<nn::Conv2d>()) {
      nn::init::kaiming_uniform_(c->weight, /*a=*/0.0, torch::kFanIn, torch::kReLU);
      if (c->bias.defined()) nn::init::zeros_(c->bias);
    } else if (auto* bn = module->as<nn::BatchNorm2d>()) {
      nn::init::ones_(bn->weight);
      nn::init::zeros_(bn->bias);
    }
  }
}

}  // namespace

std::vector<int64_t> resnet_layers(const std::string& encoder) {
  if (encoder == "resnet18") return {2, 2, 2, 2};
  if (encoder == "resnet34") return {3, 4, 6, 3};
  throw ModelError("unknown encoder '" + encoder + "': expected resnet18 or resnet34");
}

BasicBlockImpl::BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride, bool folded) {
  conv1 = register_module("conv1", conv(in_channels, out_channels, 3, stride, 1, folded));
  if (!folded) bn1 = register_module("bn1", batch_norm(out_channels, folded));
  conv2 = register_module("conv2", conv(out_channels, out_channels, 3, 1, 1, folded));
  if (!folded) bn2 = register_module("bn2", batch_norm(out_channels, folded));
  if (stride != 1 || in_channels != out_channels) {
    nn::Sequential seq;
    seq->push_back(conv(in_channels, out_channels, 1, stride, 0, folded));
    push_norm(seq, out_channels, folded);
    downsample = register_module("downsample", seq);
  }
}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor out = conv1(x);
  if (bn1) out = bn1(out);
  out = torch::relu_(out);
  out = conv2(out);
  if (bn2) out = bn2(out);
  out += downsample ? downsample->forward(x) : x;
  return torch::relu_(out);
}

ResNetEncoderImpl::ResNetEncoderImpl(const std::string& encoder, int in_channels, bool folded) {
  const std::vector<int64_t> layers = resnet_layers(encoder);
  conv1 = register_module("conv1", conv(in_channels, kStemChannels, kStemKernel, kStemStride, kStemPadding, folded));
  if (!folded) bn1 = register_module("bn1", batch_norm(kStemChannels, folded));
  maxpool = register_module("maxpool", nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1)));
  const std::vector<int64_t> widths{64, 128, 256, 512};
  int64_t in = kStemChannels;
  std::vector<nn::Sequential> stages;
  for (size_t stage = 0; stage < widths.size(); ++stage) {
    nn::Sequential seq;
    for (int64_t block = 0; block < layers[stage]; ++block) {
      const int64_t stride = (block == 0 && stage > 0) ? 2 : 1;
      seq->push_back(BasicBlock(in, widths[stage], stride, folded));
      in = widths[stage];
    }
    stages.push_back(register_module("layer" + std::to_string(stage + 1), seq));
  }
  layer1 = stages[0];
  layer2 = stages[1];
  layer3 = stages[2];
  layer4 = stages[3];
}

std::vector<torch::Tensor> ResNetEncoderImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> features{x};
  torch::Tensor y = conv1(x);
  if (bn1) y = bn1(y);
  y = torch::relu_(y);
  features.push_back(y);
  y = layer1->forward(maxpool(y));
  features.push_back(y);
  y = layer2->forward(y);
  features.push_back(y);
  y = layer3->forward(y);
  features.push_back(y);
  y = layer4->forward(y);
  features.push_back(y);
  return features;
}

DecoderBlockImpl::DecoderBlockImpl(int64_t in_channels, int64_t skip_channels, int64_t out_channels, bool folded) {
  auto conv_bn_relu = [folded](int64_t in, int64_t out) {
    nn::Sequential seq;
    seq->push_back(conv(in, out, 3, 1, 1, /*bias=*/folded));
    push_norm(seq, out, folded);
    seq->push_back(nn::ReLU(nn::ReLUOptions().inplace(true)));
    return seq;
  };
  conv1 = register_module("conv1", conv_bn_relu(in_channels + skip_channels, out_channels));
  conv2 = register_module("conv2", conv_bn_relu(out_channels, out_channels));
}

torch::Tensor DecoderBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& skip) {
  torch::Tensor y = torch::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2}, kUpsampleFactor, kUpsampleFactor);
  if (skip.defined()) y = torch::cat({y, skip}, /*dim=*/1);
  return conv2->forward(conv1->forward(y));
}

UnetDecoderImpl::UnetDecoderImpl(const std::vector<int64_t>& encoder_channels,
                                 const std::vector<int64_t>& decoder_channels, bool folded) {
  // smp: encoder channels without the input stage, deepest first; head = deepest; skips = the rest + 0.
  std::vector<int64_t> reversed(encoder_channels.rbegin(), encoder_channels.rend() - 1);
  std::vector<int64_t> in_channels{reversed[0]};
  in_channels.insert(in_channels.end(), decoder_channels.begin(), decoder_channels.end() - 1);
  std::vector<int64_t> skip_channels(reversed.begin() + 1, reversed.end());
  skip_channels.push_back(0);
  nn::ModuleList list;
  for (size_t i = 0; i < decoder_channels.size(); ++i) {
    list->push_back(DecoderBlock(in_channels[i], skip_channels[i], decoder_channels[i], folded));
  }
  blocks = register_module("blocks", list);
}

torch::Tensor UnetDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  // features: input, s2, s4, s8, s16, s32. Start at the deepest, skip with the next shallower.
  torch::Tensor x = features.back();
  const int64_t n_blocks = static_cast<int64_t>(blocks->size());
  for (int64_t i = 0; i < n_blocks; ++i) {
    const int64_t skip_index = static_cast<int64_t>(features.size()) - 2 - i;
    const torch::Tensor skip = skip_index >= 1 ? features[skip_index] : torch::Tensor();
    x = blocks[i]->as<DecoderBlock>()->forward(x, skip);
  }
  return x;
}

UnetImpl::UnetImpl(UnetOptions options) : options_(std::move(options)) {
  if (options_.in_channels < 1 || options_.classes < 1) {
    throw ModelError("Unet needs in_channels >= 1 and classes >= 1, got in_channels " +
                     std::to_string(options_.in_channels) + ", classes " + std::to_string(options_.classes));
  }
  if (options_.decoder_channels.size() != 5) {
    throw ModelError("Unet needs 5 decoder_channels (one per encoder stage), got " +
                     std::to_string(options_.decoder_channels.size()));
  }
  const bool folded = options_.folded_batchnorm;
  encoder = register_module("encoder", ResNetEncoder(options_.encoder, options_.in_channels, folded));
  const std::vector<int64_t> encoder_channels{options_.in_channels, 64, 64, 128, 256, 512};
  decoder = register_module("decoder", UnetDecoder(encoder_channels, options_.decoder_channels, folded));
  nn::Sequential head;
  head->push_back(conv(options_.decoder_channels.back(), options_.classes, 3, 1, 1, /*bias=*/true));
  head->push_back(nn::Identity());  // smp: upsampling (factor 1)
  head->push_back(nn::Identity());  // smp: activation (none: logits)
  segmentation_head = register_module("segmentation_head", head);

  torch::NoGradGuard no_grad;
  init_encoder(*encoder);
  init_decoder(*decoder);
  auto* head_conv = segmentation_head[0]->as<nn::Conv2d>();
  nn::init::xavier_uniform_(head_conv->weight);
  nn::init::zeros_(head_conv->bias);
}

torch::Tensor UnetImpl::forward(const torch::Tensor& x) {
  if (x.dim() != 4 || x.size(1) != options_.in_channels || x.size(2) % kSizeMultiple != 0 ||
      x.size(3) % kSizeMultiple != 0 || x.size(2) == 0 || x.size(3) == 0) {
    throw ModelError("Unet input has shape " + c10::str(x.sizes()) + ": expected [N, " +
                     std::to_string(options_.in_channels) + ", H, W] with H and W positive multiples of " +
                     std::to_string(kSizeMultiple));
  }
  const torch::Tensor& weight = encoder->conv1->weight;
  if (x.scalar_type() != weight.scalar_type() || x.device() != weight.device()) {
    throw ModelError("Unet input is " + std::string(c10::toString(x.scalar_type())) + " on " + x.device().str() +
                     ", the model is " + c10::toString(weight.scalar_type()) + " on " + weight.device().str());
  }
  if (!options_.folded_batchnorm) return segmentation_head->forward(decoder->forward(encoder->forward(x)));
  // Inference form: activations in the weights' layout throughout (channels_last as
  // make_inference_model stores them, or contiguous when a caller relayouts), NCHW logits out.
  const torch::Tensor input = x.contiguous(weight.suggest_memory_format());
  return segmentation_head->forward(decoder->forward(encoder->forward(input))).contiguous();
}

}  // namespace segoid::model
