// SPDX-License-Identifier: MIT
// Benchmark (issue 29 §1 feasibility): one ResNet-18-sized 3x3 convolution in float32 against
// LibTorch's quantized CPU kernel (quantized::conv2d with prepacked per-channel int8 weights,
// called through the dispatcher, no TorchScript), on each quantized engine this LibTorch has.
// Usage: bench_int8_conv [iterations=20] [threads=0 (all cores)]
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/native/quantized/PackedParams.h>
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>

#include "bench_timing.hpp"

namespace {

constexpr int kWarmup = 3;
constexpr int64_t kBatch = 4;

struct Layer {
  const char* name;
  int64_t channels;
  int64_t side;  ///< activation side at a 256 px tile
};
/// The encoder's 3x3 stages at a 256 px tile (ResNet-18: layer1..layer4).
constexpr Layer kLayers[] = {{"layer1 64ch 64x64", 64, 64},
                             {"layer2 128ch 32x32", 128, 32},
                             {"layer3 256ch 16x16", 256, 16},
                             {"layer4 512ch 8x8", 512, 8}};

using PackedConv = c10::intrusive_ptr<ConvPackedParamsBase<2>>;

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 20;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  if (threads > 0) torch::set_num_threads(threads);
  torch::NoGradGuard no_grad;
  std::printf("libtorch quantized engines:");
  for (const auto engine : at::globalContext().supportedQEngines()) std::printf(" %s", toString(engine).c_str());
  std::printf("\n%d thread(s), batch %lld, median of %d\n", torch::get_num_threads(),
              static_cast<long long>(kBatch), iterations);
  const auto prepack = c10::Dispatcher::singleton()
                           .findSchemaOrThrow("quantized::conv2d_prepack", "")
                           .typed<PackedConv(at::Tensor, c10::optional<at::Tensor>, torch::List<int64_t>,
                                             torch::List<int64_t>, torch::List<int64_t>, int64_t)>();
  const auto qconv = c10::Dispatcher::singleton()
                         .findSchemaOrThrow("quantized::conv2d", "new")
                         .typed<at::Tensor(at::Tensor, const PackedConv&, double, int64_t)>();
  for (const Layer& layer : kLayers) {
    torch::manual_seed(0);
    const auto input = torch::rand({kBatch, layer.channels, layer.side, layer.side})
                           .contiguous(torch::MemoryFormat::ChannelsLast);
    torch::nn::Conv2d conv(torch::nn::Conv2dOptions(layer.channels, layer.channels, 3).padding(1));
    conv->eval();
    const double fp32 = segoid::bench::median_seconds(iterations, kWarmup, [&] { conv->forward(input); });
    const double flop = 2.0 * kBatch * layer.channels * layer.channels * 9 * layer.side * layer.side;
    std::printf("%-20s float32 %8.3f ms (%6.1f GFLOP/s)", layer.name, 1e3 * fp32, flop / fp32 / 1e9);
    for (const auto engine : at::globalContext().supportedQEngines()) {
      if (engine == at::QEngine::NoQEngine) continue;
      at::globalContext().setQEngine(engine);
      // Per-channel int8 weights (symmetric), activations quint8 (as after a ReLU).
      const auto weight = conv->weight.detach();
      const auto scales = weight.abs().amax({1, 2, 3}).div(127.0).to(torch::kDouble);
      const auto qweight = at::quantize_per_channel(weight, scales, torch::zeros({layer.channels}, torch::kLong),
                                                    /*axis=*/0, torch::kQInt8);
      const PackedConv packed =
          prepack.call(qweight, conv->bias.detach(), torch::List<int64_t>({1, 1}), torch::List<int64_t>({1, 1}),
                       torch::List<int64_t>({1, 1}), /*groups=*/1);
      const auto qinput = at::quantize_per_tensor(input, /*scale=*/1.0 / 255, /*zero_point=*/0, torch::kQUInt8);
      const double int8 = segoid::bench::median_seconds(iterations, kWarmup, [&] { qconv.call(qinput, packed, 0.05, 128); });
      // With the float <-> int8 conversions a float network would pay around the layer.
      const double with_conversions = segoid::bench::median_seconds(iterations, kWarmup, [&] {
        const auto q = at::quantize_per_tensor(input, 1.0 / 255, 0, torch::kQUInt8);
        qconv.call(q, packed, 0.05, 128).dequantize();
      });
      std::printf(" | %s int8 %8.3f ms (%.2fx), with quantize+dequantize %8.3f ms (%.2fx)",
                  toString(engine).c_str(), 1e3 * int8, fp32 / int8, 1e3 * with_conversions,
                  fp32 / with_conversions);
    }
    std::printf("\n");
  }
  return 0;
}
