// SPDX-License-Identifier: MIT
// U-Net with a ResNet18/34 encoder, layer for layer and name for name segmentation-models-pytorch's Unet.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "segoid/model/unet_options.hpp"

namespace segoid::model {

/// torchvision's BasicBlock: conv1, bn1, relu, conv2, bn2, + identity or downsample.{0,1}.
class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride, bool folded_batchnorm);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::Conv2d conv2{nullptr};
  torch::nn::BatchNorm2d bn2{nullptr};
  /// Sequential(conv1x1, bn) when the shape changes, else empty.
  torch::nn::Sequential downsample{nullptr};
};
TORCH_MODULE(BasicBlock);

/// torchvision ResNet without avgpool/fc: conv1, bn1, relu, maxpool, layer1..layer4.
class ResNetEncoderImpl : public torch::nn::Module {
 public:
  ResNetEncoderImpl(const std::string& encoder, int in_channels, bool folded_batchnorm);
  /// Returns smp's 6 feature maps: input, stride 2 (64 ch), 4 (64), 8 (128), 16 (256), 32 (512).
  std::vector<torch::Tensor> forward(const torch::Tensor& x);

  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::MaxPool2d maxpool{nullptr};
  torch::nn::Sequential layer1{nullptr};
  torch::nn::Sequential layer2{nullptr};
  torch::nn::Sequential layer3{nullptr};
  torch::nn::Sequential layer4{nullptr};
};
TORCH_MODULE(ResNetEncoder);

/// smp's DecoderBlock: nearest 2x upsampling, concat skip, conv1 and conv2 = Conv3x3+BN+ReLU
/// (Sequential indices 0, 1, 2; index 1 is an Identity in the folded form).
class DecoderBlockImpl : public torch::nn::Module {
 public:
  DecoderBlockImpl(int64_t in_channels, int64_t skip_channels, int64_t out_channels, bool folded_batchnorm);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& skip);

  torch::nn::Sequential conv1{nullptr};
  torch::nn::Sequential conv2{nullptr};
};
TORCH_MODULE(DecoderBlock);

/// smp's UnetDecoder (center = identity, no attention): `blocks.0` .. `blocks.4`.
class UnetDecoderImpl : public torch::nn::Module {
 public:
  UnetDecoderImpl(const std::vector<int64_t>& encoder_channels, const std::vector<int64_t>& decoder_channels,
                  bool folded_batchnorm);
  torch::Tensor forward(const std::vector<torch::Tensor>& features);

  torch::nn::ModuleList blocks{nullptr};
};
TORCH_MODULE(UnetDecoder);

/// The U-Net. Parameters and buffers carry smp's state-dict names (`encoder.conv1.weight`,
/// `decoder.blocks.0.conv1.0.weight`, `segmentation_head.0.weight`, ...). Random initialization
/// as torchvision (encoder: kaiming normal fan_out, BN 1/0) and smp (decoder: kaiming uniform
/// fan_in, BN 1/0; head: xavier uniform, bias 0) do it, drawn from torch's global generator: seed it
/// with torch::manual_seed before construction. (smp re-draws a non-RGB conv1 with PyTorch's default
/// conv init; we keep torchvision's, as the issue asks for torchvision's initialization.)
class UnetImpl : public torch::nn::Module {
 public:
  /// Throws ModelError for an unknown encoder or non-positive channel counts.
  explicit UnetImpl(UnetOptions options = {});
  /// x: float [N, in_channels, H, W] with H and W multiples of 32. Returns logits
  /// [N, classes, H, W]. Throws ModelError naming the shape otherwise.
  torch::Tensor forward(const torch::Tensor& x);
  const UnetOptions& options() const { return options_; }

  ResNetEncoder encoder{nullptr};
  UnetDecoder decoder{nullptr};
  /// Sequential(Conv3x3 with bias, Identity, Identity) as smp's SegmentationHead.
  torch::nn::Sequential segmentation_head{nullptr};

 private:
  UnetOptions options_;
};
TORCH_MODULE(Unet);

/// Block counts per stage of a supported encoder; throws ModelError for other names.
std::vector<int64_t> resnet_layers(const std::string& encoder);

}  // namespace segoid::model
