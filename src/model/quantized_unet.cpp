// SPDX-License-Identifier: MIT
// The int8 U-Net: one walk over the network's ops (run_unet), run either in float to observe each
// activation's range or in int8 with the ranges frozen into scales.
#include "segoid/model/quantized_unet.hpp"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/native/quantized/PackedParams.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "segoid/core/error.hpp"
#include "segoid/model/inference_form.hpp"

namespace segoid::model {
namespace quantized_detail {

constexpr double kUint8Levels = 255.0;
constexpr double kRangeQuantile = 1e-5;  ///< each tail of an activation left out of its range
/// Values sampled (evenly) for the quantiles, per batch observed. 2^16 keeps observing a batch
/// cheaper than its forward; 2^14 lowered a fluorescence plate's int8 mask Dice from 0.9997 to 0.9993.
constexpr int64_t kQuantileSample = 1 << 16;

/// An activation's observed range and the uint8 scale and zero point that cover it (0 included).
struct ActivationRange {
  float low = 0.0f;
  float high = 0.0f;
  bool seen = false;

  void widen(const torch::Tensor& t) {
    // Quantiles, not min and max: a few extreme activations of one tile (a saturated rim) otherwise
    // widen a scale until the rest rounds to a handful of levels (measured on 2048-px plates
    // calibrated with min/max: mask Dice 0 against float32; with these quantiles 0.97-0.999).
    // Sampled in memory order (NHWC here) from a view, so nothing is copied whole. The step is odd:
    // channel counts are powers of two, and an even step through NHWC memory would see only some
    // channels (a step of 8 over 64 channels saw 8 of them; a 2048-px plate's int8 mask then fell
    // to Dice 0.996 against float32).
    const torch::Tensor flat = t.dim() == 4 && t.is_contiguous(torch::MemoryFormat::ChannelsLast)
                                   ? t.permute({0, 2, 3, 1}).reshape(-1)
                                   : t.reshape(-1);
    const int64_t step = std::max<int64_t>(1, flat.numel() / kQuantileSample) | 1;
    const torch::Tensor sample = flat.slice(0, 0, flat.numel(), step).to(torch::kFloat).contiguous();
    const int64_t tail = static_cast<int64_t>(kRangeQuantile * static_cast<double>(sample.numel()));
    // The (tail + 1)-th smallest and largest values: with no tail to leave out, the extremes
    // (aminmax, one pass); else the ends of a small top-k. kthvalue gave the same values at 10x the
    // time (observing cost 60% more than the float forward it rides on).
    float lo = 0.0f;
    float hi = 0.0f;
    if (tail == 0) {
      const auto [min, max] = torch::aminmax(sample);
      lo = min.item<float>();
      hi = max.item<float>();
    } else {
      lo = std::get<0>(torch::topk(sample, tail + 1, 0, /*largest=*/false)).max().item<float>();
      hi = std::get<0>(torch::topk(sample, tail + 1, 0, /*largest=*/true)).min().item<float>();
    }
    low = seen ? std::min(low, lo) : lo;
    high = seen ? std::max(high, hi) : hi;
    seen = true;
  }
  double scale() const {
    return std::max((std::max(high, 0.0f) - std::min(low, 0.0f)) / kUint8Levels, 1e-8);
  }
  int64_t zero_point() const {
    return std::clamp<int64_t>(std::llround(-std::min(low, 0.0f) / scale()), 0, static_cast<int64_t>(kUint8Levels));
  }
};

}  // namespace quantized_detail

namespace {

using quantized_detail::ActivationRange;

using PackedConv = c10::intrusive_ptr<ConvPackedParamsBase<2>>;
constexpr double kInt8WeightLevels = 127.0;  // symmetric per-channel weights, zero point 0

torch::nn::Conv2dImpl& conv_of(const torch::nn::Sequential& seq) { return *seq->ptr(0)->as<torch::nn::Conv2d>(); }

/// The network's ops in order, once. `Ops` decides what each op does. Every op that makes a new
/// int8 tensor takes the next activation slot; ops that keep their input's scale (max pooling,
/// nearest upsampling) take none. The stem convolution (it sees the input's full dynamic range,
/// 1% of the FLOPs), the last decoder block and the head run in float.
template <class Ops>
torch::Tensor run_unet(Ops& ops, UnetImpl& net, torch::Tensor x) {
  ResNetEncoderImpl& encoder = *net.encoder;
  std::vector<torch::Tensor> features{torch::Tensor()};  // smp's feature 0 (the input) is never a skip
  torch::Tensor y = ops.enter_int8(ops.conv(*encoder.conv1, x, /*relu=*/true));
  features.push_back(y);
  y = ops.maxpool(y);
  for (const torch::nn::Sequential* stage : {&encoder.layer1, &encoder.layer2, &encoder.layer3, &encoder.layer4}) {
    for (std::size_t b = 0; b < (*stage)->size(); ++b) {
      BasicBlockImpl& block = *(*stage)->ptr(b)->as<BasicBlock>();
      const torch::Tensor inner = ops.conv(*block.conv1, y, /*relu=*/true);
      const torch::Tensor residual = ops.conv(*block.conv2, inner, /*relu=*/false);
      const torch::Tensor identity = block.downsample ? ops.conv(conv_of(block.downsample), y, false) : y;
      y = ops.add_relu(residual, identity);
    }
    features.push_back(y);
  }
  const int64_t n_blocks = static_cast<int64_t>(net.decoder->blocks->size());
  for (int64_t i = 0; i < n_blocks; ++i) {
    const DecoderBlockImpl& block = *net.decoder->blocks[i]->as<DecoderBlock>();
    const int64_t skip_index = static_cast<int64_t>(features.size()) - 2 - i;
    if (i == n_blocks - 1) y = ops.leave_int8(y);  // the full-resolution block and the head: float
    y = ops.upsample(y);
    if (skip_index >= 1) y = ops.cat(y, features[skip_index]);
    y = ops.conv(conv_of(block.conv1), y, true);
    y = ops.conv(conv_of(block.conv2), y, true);
  }
  return ops.conv(conv_of(net.segmentation_head), y, false);
}

torch::Tensor float_conv(torch::nn::Conv2dImpl& conv, const torch::Tensor& x, bool relu) {
  torch::Tensor y = conv.forward(x);
  return relu ? torch::relu_(y) : y;
}

torch::Tensor upsample2x(const torch::Tensor& x) {
  return torch::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2}, 2.0, 2.0);
}

torch::Tensor maxpool3x3(const torch::Tensor& x) { return torch::max_pool2d(x, {3, 3}, {2, 2}, {1, 1}, {1, 1}); }

/// Float forward that widens the range of every activation slot.
struct ObserveOps {
  std::vector<ActivationRange>& ranges;
  std::size_t slot = 0;
  bool int8 = false;

  torch::Tensor observed(torch::Tensor t) {
    if (!int8) return t;
    if (slot >= ranges.size()) ranges.resize(slot + 1);
    ranges[slot++].widen(t);
    return t;
  }
  torch::Tensor enter_int8(const torch::Tensor& x) {
    int8 = true;
    return observed(x);
  }
  torch::Tensor conv(torch::nn::Conv2dImpl& c, const torch::Tensor& x, bool relu) { return observed(float_conv(c, x, relu)); }
  torch::Tensor add_relu(const torch::Tensor& a, const torch::Tensor& b) { return observed(torch::relu(a + b)); }
  torch::Tensor cat(const torch::Tensor& a, const torch::Tensor& b) { return observed(torch::cat({a, b}, 1)); }
  torch::Tensor maxpool(const torch::Tensor& x) { return maxpool3x3(x); }
  torch::Tensor upsample(const torch::Tensor& x) { return upsample2x(x); }
  torch::Tensor leave_int8(const torch::Tensor& x) {
    int8 = false;
    return x;
  }
};

}  // namespace

struct QuantizedUnet::Impl {
  Unet net{nullptr};                     ///< the folded float network: weights, and the float ends
  std::vector<ActivationRange> ranges;   ///< per activation slot, in run_unet's order
  std::vector<PackedConv> packed;        ///< per int8 convolution, in run_unet's order
  bool frozen = false;
};

namespace {

/// The int8 forward: quantized kernels through the dispatcher with the frozen scales.
struct QuantizedOps {
  QuantizedUnet::Impl& impl;
  std::size_t slot = 0;
  std::size_t conv_index = 0;
  bool int8 = false;

  const ActivationRange& next() { return impl.ranges.at(slot++); }

  torch::Tensor enter_int8(const torch::Tensor& x) {
    int8 = true;
    const ActivationRange& r = next();
    return at::quantize_per_tensor(x.contiguous(torch::MemoryFormat::ChannelsLast), r.scale(), r.zero_point(),
                                   torch::kQUInt8);
  }
  torch::Tensor conv(torch::nn::Conv2dImpl& c, const torch::Tensor& x, bool relu) {
    if (!int8) return float_conv(c, x, relu);
    static const auto qconv = c10::Dispatcher::singleton()
                                  .findSchemaOrThrow("quantized::conv2d", "new")
                                  .typed<at::Tensor(at::Tensor, const PackedConv&, double, int64_t)>();
    static const auto qconv_relu = c10::Dispatcher::singleton()
                                       .findSchemaOrThrow("quantized::conv2d_relu", "new")
                                       .typed<at::Tensor(at::Tensor, const PackedConv&, double, int64_t)>();
    if (conv_index == impl.packed.size()) impl.packed.push_back(pack(c));
    const PackedConv& packed = impl.packed.at(conv_index++);
    const ActivationRange& r = next();
    return (relu ? qconv_relu : qconv).call(x, packed, r.scale(), r.zero_point());
  }
  torch::Tensor add_relu(const torch::Tensor& a, const torch::Tensor& b) {
    static const auto op = c10::Dispatcher::singleton()
                               .findSchemaOrThrow("quantized::add_relu", "")
                               .typed<at::Tensor(at::Tensor, at::Tensor, double, int64_t)>();
    const ActivationRange& r = next();
    return op.call(a, b, r.scale(), r.zero_point());
  }
  torch::Tensor cat(const torch::Tensor& a, const torch::Tensor& b) {
    if (!int8) return torch::cat({a, b.is_quantized() ? b.dequantize() : b}, 1);  // a float-tail skip
    // Called boxed: the typed call finds no dispatch key in a Tensor[] argument.
    static const c10::OperatorHandle op = c10::Dispatcher::singleton().findSchemaOrThrow("quantized::cat", "");
    const ActivationRange& r = next();
    torch::jit::Stack stack{c10::IValue(c10::List<at::Tensor>({a, b})), c10::IValue(int64_t{1}),
                            c10::IValue(r.scale()), c10::IValue(r.zero_point())};
    op.callBoxed(&stack);
    return stack.at(0).toTensor();
  }
  torch::Tensor maxpool(const torch::Tensor& x) { return maxpool3x3(x); }
  torch::Tensor upsample(const torch::Tensor& x) { return upsample2x(x); }
  torch::Tensor leave_int8(const torch::Tensor& x) {
    int8 = false;
    return x.dequantize();
  }

  static PackedConv pack(torch::nn::Conv2dImpl& c) {
    static const auto prepack = c10::Dispatcher::singleton()
                                    .findSchemaOrThrow("quantized::conv2d_prepack", "")
                                    .typed<PackedConv(at::Tensor, c10::optional<at::Tensor>, torch::List<int64_t>,
                                                      torch::List<int64_t>, torch::List<int64_t>, int64_t)>();
    const torch::Tensor weight = c.weight.detach().contiguous();
    const torch::Tensor scales =
        weight.abs().amax({1, 2, 3}).clamp_min(1e-12).div(kInt8WeightLevels).to(torch::kDouble);
    const torch::Tensor qweight = at::quantize_per_channel(
        weight, scales, torch::zeros({weight.size(0)}, torch::kLong), /*axis=*/0, torch::kQInt8);
    const auto& o = c.options;
    const auto pair = [](const torch::ExpandingArray<2>& a) { return torch::List<int64_t>({a->at(0), a->at(1)}); };
    const auto padding = c10::get<torch::ExpandingArray<2>>(o.padding());
    return prepack.call(qweight, c.bias.defined() ? c10::optional<at::Tensor>(c.bias.detach()) : c10::nullopt,
                        pair(o.stride()), pair(padding), pair(o.dilation()), o.groups());
  }
};

void use_onednn_engine() {
  if (!int8_inference_available()) {
    throw ModelError("int8 inference needs LibTorch's oneDNN quantized engine, which this LibTorch lacks");
  }
  at::globalContext().setQEngine(at::QEngine::ONEDNN);
}

}  // namespace

bool int8_inference_available() {
  const auto& engines = at::globalContext().supportedQEngines();
  return std::find(engines.begin(), engines.end(), at::QEngine::ONEDNN) != engines.end();
}

QuantizedUnet::QuantizedUnet(const Unet& trained) : impl_(std::make_shared<Impl>()) {
  use_onednn_engine();
  // An inference form is shared: the predictor's float32 form is the same network.
  impl_->net = trained->options().folded_batchnorm ? trained : make_inference_model(trained);
  impl_->net->eval();
}

torch::Tensor QuantizedUnet::observe(const torch::Tensor& tiles) {
  SEGOID_CHECK(!impl_->frozen, "QuantizedUnet::observe after freeze");
  torch::NoGradGuard no_grad;
  ObserveOps ops{impl_->ranges};
  return run_unet(ops, *impl_->net, tiles.to(torch::kFloat).contiguous(torch::MemoryFormat::ChannelsLast));
}

void QuantizedUnet::freeze() {
  SEGOID_CHECK(!impl_->frozen, "QuantizedUnet::freeze twice");
  if (impl_->ranges.empty()) throw ModelError("int8 U-Net: no calibration tiles were observed");
  use_onednn_engine();
  // One small forward packs every convolution now, so forward() itself never changes state. It
  // also counts the activation slots, which given ranges (freeze(ranges)) must match.
  torch::NoGradGuard no_grad;
  QuantizedOps ops{*impl_};
  const int64_t in_channels = impl_->net->options().in_channels;
  std::size_t slots = 0;
  try {
    run_unet(ops, *impl_->net, torch::zeros({1, in_channels, 160, 160}));
    slots = ops.slot;
  } catch (const std::out_of_range&) {  // fewer ranges than slots
  }
  if (slots != impl_->ranges.size()) {
    impl_->packed.clear();
    throw ModelError(fmt::format("int8 U-Net: {} activation ranges given, the network has {}", impl_->ranges.size(),
                                 slots == 0 ? "more" : std::to_string(slots)));
  }
  impl_->frozen = true;
}

void QuantizedUnet::freeze(const std::vector<std::pair<float, float>>& ranges) {
  SEGOID_CHECK(!impl_->frozen, "QuantizedUnet::freeze twice");
  std::vector<ActivationRange> given;
  for (const auto& [low, high] : ranges) {
    if (!std::isfinite(low) || !std::isfinite(high) || low > high) {
      throw ModelError(fmt::format("int8 U-Net: activation range [{}, {}] is not a finite low <= high", low, high));
    }
    given.push_back({low, high, /*seen=*/true});
  }
  std::swap(impl_->ranges, given);
  try {
    freeze();
  } catch (...) {
    std::swap(impl_->ranges, given);  // as before: calibration may go on
    throw;
  }
}

bool QuantizedUnet::frozen() const { return impl_->frozen; }

std::vector<std::pair<float, float>> QuantizedUnet::ranges() const {
  SEGOID_CHECK(impl_->frozen, "QuantizedUnet::ranges before freeze");
  std::vector<std::pair<float, float>> out;
  for (const ActivationRange& r : impl_->ranges) out.emplace_back(r.low, r.high);
  return out;
}

torch::Tensor QuantizedUnet::forward(const torch::Tensor& x) const {
  SEGOID_CHECK(impl_->frozen, "QuantizedUnet::forward before freeze");
  torch::NoGradGuard no_grad;
  QuantizedOps ops{*impl_};
  const torch::Tensor out = run_unet(ops, *impl_->net, x.to(torch::kFloat));
  return out.is_quantized() ? out.dequantize() : out;
}

}  // namespace segoid::model
