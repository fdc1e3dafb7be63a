// SPDX-License-Identifier: MIT
// LibTorch side of the predictor: checkpoint loading, inference form, batched forward passes.
#include "segoid/infer/predictor.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <utility>

#include "segoid/core/choice_cache.hpp"
#include "segoid/core/cpu_info.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/sha256.hpp"
#include "segoid/core/unet_size.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/inference_form.hpp"
#include "segoid/model/layout_choice.hpp"
#include "segoid/model/quantized_unet.hpp"
#include "segoid/model/torch_runtime.hpp"
#include "segoid/model/unet.hpp"

namespace segoid::infer {

/// A network in one form, ready for forwards. Outside the anonymous namespace because
/// Predictor::Impl holds one.
struct PredictorForm {
  model::Unet net{nullptr};  ///< for folded_int8: the float32 network it is checked against
  bool channels_last = false;
  bool bf16 = false;
  /// folded_int8 only: calibrating on the first tiles, then checked against float32 on the next
  /// batch with objects, then running (or dropped: the run goes on in float32).
  enum class Int8Stage { kCalibrating, kChecking, kRunning, kDropped };
  std::shared_ptr<model::QuantizedUnet> int8;
  Int8Stage int8_stage = Int8Stage::kCalibrating;
  int64_t int8_calibration_tiles = 0;
  int64_t int8_calibration_mask_pixels = 0;
  /// Frozen with ranges an earlier run of this checkpoint calibrated (kInt8RangesCacheKind): a
  /// first check below the bound sends the run back to calibrating on its own tiles.
  bool int8_ranges_cached = false;
  std::string int8_cached_ranges_check;  ///< the failed check of cached ranges, when one failed
  std::filesystem::path int8_cache_dir;  ///< where ranges that passed their first check are stored
  core::MachineKey int8_cache_key;
  /// Chosen by "auto": a check below this mask Dice drops int8 for float32 (forced: 0, it runs).
  double int8_min_mask_dice = 0.0;
  int64_t int8_check_mask_pixels = kInt8CheckMaskPixels;  ///< PredictorOptions::int8_check_mask_pixels
  int int8_checks = 0;
  double int8_lowest_dice = 2.0;
  std::string int8_lowest_check;  ///< the check with int8_lowest_dice, as text
  /// The check in progress, over the batches with objects since it began (the mask counts of int8
  /// and float32 and their overlap), so that what it compares does not depend on the batch size.
  struct Int8CheckCounts {
    int64_t both = 0;
    int64_t int8_pixels = 0;
    int64_t float_pixels = 0;
    int64_t tiles = 0;
    double max_change = 0.0;
  } int8_counts;
};

namespace {

const char* const kBf16Form = kInferenceFormBf16;
constexpr const char* kCacheKind = "inference_form";
constexpr const char* kBatchCacheKind = "inference_batch";
constexpr const char* kThreadsCacheKind = "inference_threads";
/// folded_int8's float32 network: what it calibrates with, is checked against, and falls back to.
constexpr const char* kInt8FloatForm = "folded_channels_last";
/// Activation ranges of the int8 form per checkpoint (by its SHA-256), stored by a run whose own
/// calibration passed its first check, so that later runs of the checkpoint skip calibrating.
constexpr const char* kInt8RangesCacheKind = "int8_ranges";
constexpr int kThreadsProbeTiles = 2;  ///< tiles per forward when thread counts are timed
/// Batch sizes tried, in order; measuring stops at the first one with fewer tiles/s than the one
/// before. Which wins depends on the CPU's caches and the tile: 256-px tiles on 2-core AVX-512
/// EPYCs probed at 33, 35 and 17-29 tiles/s at batch 1, 2 and 4 (on one, a 2048-px plate took
/// 6.5 s at batch 2 and 11.6 s at batch 4); capped at AVX2, batch 1 to 4 were even.
constexpr int kProbeBatchSizes[] = {1, 2, 4, 8};
constexpr int kProbeRounds = 2;             ///< timed forwards per form or batch size, after one warm-up
/// The int8 form calibrates on the run's first kInt8CalibrationTiles tiles and at least
/// kInt8MinMaskPixels mask pixels (background alone says little about the scales that matter), or
/// on kInt8MaxCalibrationTiles when objects are that rare (observing costs time), and is checked on
/// the next batches with kInt8MinCheckBatchPixels mask pixels until float32's mask on them has
/// kInt8CheckMaskPixels pixels, or on what kInt8MaxCheckTiles tiles held.
constexpr int64_t kInt8CalibrationTiles = 16;
constexpr int64_t kInt8MaxCalibrationTiles = 32;
constexpr int64_t kInt8MinMaskPixels = 1000;
/// Where objects are too sparse for kInt8CheckMaskPixels, the check decides after this many tiles
/// with objects: "auto" then keeps float32 (too little to vouch for int8); forced int8 runs.
constexpr int64_t kInt8MaxCheckTiles = 24;
/// A batch with fewer mask pixels (an object's edge, specks) adds little to a check but costs an
/// int8 forward: on a plate of sparse specks, checking every batch with any mask pixel ran both
/// networks on 22 tiles of 81 (2048-px colour JPEG plate, +1 s).
constexpr int64_t kInt8MinCheckBatchPixels = 250;

/// A separate copy of `trained` (same weights and BatchNorm statistics).
model::Unet copy_model(const model::Unet& trained) {
  model::Unet copy(trained->options());
  torch::NoGradGuard no_grad;
  const auto params = trained->named_parameters();
  for (auto& item : copy->named_parameters()) item.value().copy_(params[item.key()]);
  const auto buffers = trained->named_buffers();
  for (auto& item : copy->named_buffers()) item.value().copy_(buffers[item.key()]);
  copy->to(trained->parameters().front().device());
  return copy;
}

/// `name` built from `trained`; with `share`, a plain form reuses (and relayouts) `trained`
/// itself instead of a copy.
PredictorForm make_form(const model::Unet& trained, const std::string& name, bool on_cpu, bool share) {
  PredictorForm form;
  const bool folded = name.rfind("folded", 0) == 0;
  // folded_int8's float32 network is kInt8FloatForm.
  form.channels_last = on_cpu && (name.find("channels_last") != std::string::npos || name == kInferenceFormInt8);
  form.bf16 = name == kBf16Form;
  form.net = folded ? model::make_inference_model(trained) : share ? trained : copy_model(trained);
  form.net->eval();
  // oneDNN runs NHWC convolutions without layout conversions when the weights are NHWC too.
  model::set_weight_layout(form.net, form.channels_last ? model::kChannelsLast : model::kContiguous);
  if (name == kInferenceFormInt8) form.int8 = std::make_shared<model::QuantizedUnet>(form.net);  // shares it
  if (form.bf16) form.net->to(torch::kBFloat16);
  return form;
}

/// Probabilities [N, H, W] float32 on the CPU from logits [N, 1, H, W] (any float type, device).
torch::Tensor probabilities(const torch::Tensor& logits) {
  return torch::sigmoid(logits.to(torch::kFloat)).select(1, 0).to(torch::kCPU).contiguous();
}

/// Probabilities for a float32 NCHW batch from form.net (for folded_int8: its float32 network).
torch::Tensor forward(const PredictorForm& form, torch::Tensor x, const torch::Device& device) {
  x = x.to(device);
  if (form.channels_last) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  if (form.bf16) x = x.to(torch::kBFloat16);
  model::Unet net = form.net;  // a holder copy: forward() is not const
  return probabilities(net->forward(x));
}

/// A probe forward: the int8 network once it is frozen, else forward().
void probe_forward(const PredictorForm& form, const torch::Tensor& input) {
  if (form.int8 && form.int8->frozen()) {
    form.int8->forward(input);
  } else {
    forward(form, input, torch::Device(torch::kCPU));
  }
}

/// Seconds of one CPU forward pass of `form` on `input` (a probe timing).
double forward_seconds(const PredictorForm& form, const torch::Tensor& input) {
  const auto start = std::chrono::steady_clock::now();
  probe_forward(form, input);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Tiles per second of `form` on `input`: best of kProbeRounds after a warm-up (a new batch shape
/// or thread count is a new oneDNN primitive).
double tiles_per_second(const PredictorForm& form, const torch::Tensor& input) {
  probe_forward(form, input);
  double best = 1e300;
  for (int round = 0; round < kProbeRounds; ++round) best = std::min(best, forward_seconds(form, input));
  return static_cast<double>(input.size(0)) / std::max(best, 1e-9);
}

/// A plate-like probe tile: bright and dim disks on a gradient with noise, in [0, 1].
torch::Tensor probe_batch(int side, int in_channels) {
  cv::Mat image(side, side, CV_32FC1);
  cv::randu(image, 0.25, 0.35);
  for (int i = 0; i < 6; ++i) {
    const cv::Point centre((37 * i + 19) * side / 211 % side, (53 * i + 31) * side / 197 % side);
    cv::circle(image, centre, side / (8 + 2 * i), cv::Scalar(i % 2 == 0 ? 0.8 : 0.45), cv::FILLED);
  }
  cv::GaussianBlur(image, image, cv::Size(5, 5), 1.5);
  torch::Tensor t = torch::from_blob(image.data, {1, 1, side, side}, torch::kFloat).clone();
  return in_channels == 1 ? t : t.expand({1, in_channels, side, side}).contiguous();
}

/// Activation ranges as one cache entry's text: "low:high" per slot, space-separated, each float
/// written so that it reads back to the same value.
std::string ranges_text(const std::vector<std::pair<float, float>>& ranges) {
  std::string text;
  for (const auto& [low, high] : ranges) text += fmt::format("{}{:.9g}:{:.9g}", text.empty() ? "" : " ", low, high);
  return text;
}

/// ranges_text's inverse; nullopt for text that is not that form.
std::optional<std::vector<std::pair<float, float>>> parse_ranges(const std::string& text) {
  std::vector<std::pair<float, float>> ranges;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    float low = 0.0f;
    float high = 0.0f;
    auto r = std::from_chars(p, end, low);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') return std::nullopt;
    r = std::from_chars(r.ptr + 1, end, high);
    if (r.ec != std::errc() || (r.ptr != end && *r.ptr != ' ')) return std::nullopt;
    ranges.emplace_back(low, high);
    p = r.ptr == end ? end : r.ptr + 1;
  }
  if (ranges.empty()) return std::nullopt;
  return ranges;
}

/// Tiles per second of each candidate form on the probe tile, best of kProbeRounds (interleaved)
/// after a warm-up. folded_int8 is calibrated on the probe tile first: its speed does not depend on
/// the scales.
std::map<std::string, double> measure_forms(const model::Unet& trained, const std::vector<std::string>& names,
                                            int side, int in_channels) {
  const torch::Tensor input = probe_batch(side, in_channels);
  std::vector<PredictorForm> forms;
  for (const auto& name : names) forms.push_back(make_form(trained, name, /*on_cpu=*/true, /*share=*/false));
  torch::InferenceMode guard;
  for (auto& form : forms) {
    if (!form.int8) continue;
    form.int8->observe(input);
    form.int8->freeze();
  }
  std::vector<double> best(names.size(), 1e300);
  for (const auto& form : forms) probe_forward(form, input);
  for (int round = 0; round < kProbeRounds; ++round) {
    for (std::size_t i = 0; i < forms.size(); ++i) best[i] = std::min(best[i], forward_seconds(forms[i], input));
  }
  std::map<std::string, double> rates;
  for (std::size_t i = 0; i < names.size(); ++i) rates[names[i]] = 1.0 / std::max(best[i], 1e-9);
  return rates;
}

/// Throws ConfigError when the bf16 form cannot run here: the CPU flag may say bf16 while oneDNN is
/// capped below it (ONEDNN_MAX_CPU_ISA=AVX2: "could not create a primitive descriptor iterator").
void check_bf16_runs(const PredictorForm& form, int in_channels) {
  torch::InferenceMode guard;
  try {
    forward(form, probe_batch(core::kUnetSizeMultiple, in_channels), torch::Device(torch::kCPU));
  } catch (const std::exception& e) {  // ideep::error (oneDNN) or c10::Error
    const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
    const char* cap = std::getenv("ONEDNN_MAX_CPU_ISA");
    throw ConfigError(fmt::format("inference form {} cannot run on this CPU ({}){}; use a float32 form or auto",
                                  kBf16Form, torch_error != nullptr ? torch_error->what_without_backtrace() : e.what(),
                                  cap != nullptr ? fmt::format(": oneDNN is capped at ONEDNN_MAX_CPU_ISA={}", cap) : ""));
  }
}

/// Which form to run: forced by options.form, by the two flags (empty form), or measured.
model::SpeedChoice choose_form(const model::Unet& trained, const PredictorOptions& options, bool on_cpu,
                               int threads, int in_channels, int probe_tile) {
  const std::string& requested = options.form;
  if (requested.empty()) {
    const std::string name = fmt::format("{}_{}", options.fold_batchnorm ? "folded" : "plain",
                                         options.channels_last && on_cpu ? "channels_last" : "contiguous");
    return {name, "flags", {}};
  }
  if (requested != "auto") {
    const auto& all = inference_forms();
    if (std::find(all.begin(), all.end(), requested) == all.end()) {
      std::string allowed = "auto";
      for (const auto& name : all) allowed += ", " + name;
      throw ConfigError("inference form must be one of " + allowed + "; got '" + requested + "'");
    }
    return {requested, "forced", {}};
  }
  if (!on_cpu) return {"folded_contiguous", "device", {}};
  const core::CpuInfo& cpu = core::this_cpu();
  if (cpu.has_bf16()) spdlog::info("{}", core::bf16_support_line(cpu));
  // The float32 forms, which give the same masks up to rounding, and folded_int8, whose masks do
  // not always stay within the 0.999 Dice bound (shipped model, one 2048-px plate per synth style:
  // 0.989 to 0.9998): it runs only while each run's own check passes (int8_stage_forward). Not
  // bf16: its agreement depends on the weights and is not checked per run.
  std::vector<std::string> names{"folded_channels_last", "folded_contiguous", "plain_channels_last",
                                 "plain_contiguous"};
  const bool int8 = model::int8_inference_available();
  if (int8) names.emplace_back(kInferenceFormInt8);
  // " +int8": entries from before int8 was a candidate are measured again.
  const core::MachineKey key{cpu.model, threads, model::torch_version(),
                             fmt::format("predict {} {}px x1{}", trained->options().encoder, probe_tile,
                                         int8 ? " +int8" : "")};
  const core::ChoiceCache cache(options.cache_dir);
  // An entry written when auto still tried bf16 may name it: measured again.
  if (auto cached = cache.find(kCacheKind, key);
      cached && std::find(names.begin(), names.end(), cached->choice) != names.end()) {
    return {cached->choice, "cached", cached->rates};
  }
  core::MeasuredChoice measured;
  measured.rates = measure_forms(trained, names, probe_tile, in_channels);
  measured.choice = core::fastest(measured.rates);
  cache.store(kCacheKind, key, measured);
  return {measured.choice, "measured", measured.rates};
}

/// Tiles per second of `form` at each of kProbeBatchSizes in turn on copies of the probe tile,
/// best of kProbeRounds after a warm-up (a new batch shape is a new oneDNN primitive), keyed by the
/// batch size as text. For folded_int8, its float32 network: int8 runs only after calibration.
std::map<std::string, double> measure_batch_sizes(const PredictorForm& form, int side, int in_channels) {
  torch::InferenceMode guard;
  const torch::Tensor tile = probe_batch(side, in_channels);
  std::map<std::string, double> rates;
  double previous_rate = 0.0;
  for (const int n : kProbeBatchSizes) {
    const double rate = tiles_per_second(form, tile.expand({n, in_channels, side, side}).contiguous());
    rates[std::to_string(n)] = rate;
    if (rate < previous_rate) break;
    previous_rate = rate;
  }
  return rates;
}

/// A batch size or thread count written as text (a cache entry); 0 when it is none.
int parse_count(const std::string& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value > 0 ? value : 0;
}

/// A count (batch size, thread count) for `key`: the cache's when it holds a readable one, else
/// measure()'s fastest (its rates keyed by the count as text), stored.
model::SpeedChoice cached_or_measured_count(const char* kind, const core::MachineKey& key,
                                            const std::filesystem::path& cache_dir,
                                            const std::function<std::map<std::string, double>()>& measure) {
  const core::ChoiceCache cache(cache_dir);
  if (auto cached = cache.find(kind, key); cached && parse_count(cached->choice) > 0) {
    return {cached->choice, "cached", cached->rates};
  }
  core::MeasuredChoice measured;
  measured.rates = measure();
  measured.choice = core::fastest(measured.rates);
  cache.store(kind, key, measured);
  return {measured.choice, "measured", measured.rates};
}

/// How many tiles a forward pass takes: given, the device default, or measured for this form and
/// tile on this machine (cached under kBatchCacheKind; folded_int8 under its float32 network's
/// form, the one measured).
model::SpeedChoice choose_batch(const PredictorForm& form, const std::string& form_name, const PredictorOptions& options,
                                bool on_cpu, int threads, int in_channels, int tile, const std::string& encoder) {
  if (options.batch_size > 0) return {std::to_string(options.batch_size), "given", {}};
  if (!on_cpu) return {std::to_string(kDeviceBatchSize), "device", {}};
  const std::string measured_form = form_name == kInferenceFormInt8 ? kInt8FloatForm : form_name;
  const core::MachineKey key{core::this_cpu().model, threads, model::torch_version(),
                             fmt::format("predict {} {} {}px", encoder, measured_form, tile)};
  return cached_or_measured_count(kBatchCacheKind, key, options.cache_dir,
                                  [&] { return measure_batch_sizes(form, tile, in_channels); });
}

/// Intra-op threads when the user leaves the count to SegOid: all logical CPUs, unless SMT gives
/// one per physical core as a second candidate; then whichever ran the float32 network on
/// kThreadsProbeTiles probe tiles faster (cached under kThreadsCacheKind). Leaves LibTorch at the
/// count chosen.
model::SpeedChoice choose_threads(const model::Unet& trained, const PredictorOptions& options, int all, int in_channels,
                                  int tile, const std::string& encoder) {
  const core::CpuInfo& cpu = core::this_cpu();
  const std::vector<int> candidates = core::thread_candidates(cpu, all);
  if (candidates.size() == 1) return {std::to_string(all), "all cores", {}};
  const core::MachineKey key{cpu.model, all, model::torch_version(),
                             fmt::format("predict {} {}px threads", encoder, tile)};
  const model::SpeedChoice chosen = cached_or_measured_count(kThreadsCacheKind, key, options.cache_dir, [&] {
    const PredictorForm form = make_form(trained, "folded_channels_last", /*on_cpu=*/true, /*share=*/false);
    const torch::Tensor input =
        probe_batch(tile, in_channels).expand({kThreadsProbeTiles, in_channels, tile, tile}).contiguous();
    torch::InferenceMode guard;
    std::map<std::string, double> rates;
    for (const int n : candidates) {
      model::configure_threads(n);
      rates[std::to_string(n)] = tiles_per_second(form, input);
    }
    return rates;
  });
  model::configure_threads(parse_count(chosen.choice));
  return chosen;
}

}  // namespace


struct Predictor::Impl {
  PredictorForm form;
  torch::Device device{torch::kCPU};
  model::CheckpointInfo checkpoint;
  PredictorRuntime runtime;
  double model_seconds = 0.0;
};

namespace {

/// Freezes the int8 form with the ranges cached for `checkpoint`, when cache_dir holds usable ones
/// (then it is checked first, with no calibration); else it calibrates on the run's first tiles.
/// Either way, remembers where a run's own calibration that passes its check is stored.
void use_cached_int8_ranges(Predictor::Impl& impl, const std::filesystem::path& checkpoint,
                            const std::filesystem::path& cache_dir) {
  PredictorForm& form = impl.form;
  PredictorRuntime& r = impl.runtime;
  r.int8_ranges = "not calibrated: the run ended first";  // replaced when calibration ends
  if (cache_dir.empty()) return;
  form.int8_cache_dir = cache_dir;
  // Threads 0: the ranges (from float32 forwards) do not depend on the thread count.
  form.int8_cache_key = core::MachineKey{core::this_cpu().model, 0, model::torch_version(),
                                         "int8 ranges of checkpoint sha256 " + core::sha256_file(checkpoint)};
  const core::ChoiceCache cache(cache_dir);
  const auto cached = cache.find(kInt8RangesCacheKind, form.int8_cache_key);
  if (!cached) return;
  const auto ranges = parse_ranges(cached->choice);
  try {
    if (!ranges) throw ModelError("not a list of low:high pairs");
    form.int8->freeze(*ranges);
  } catch (const std::exception& e) {
    spdlog::warn("ignoring the cached int8 activation ranges in \"{}\": {}", cache.file().string(), e.what());
    return;
  }
  form.int8_ranges_cached = true;
  form.int8_stage = PredictorForm::Int8Stage::kChecking;
  r.int8_ranges = "cached, from an earlier run of this checkpoint whose check passed";
  spdlog::info("int8 activation ranges: {}; this run checks them", r.int8_ranges);
}

}  // namespace

Predictor Predictor::load(const std::filesystem::path& checkpoint, const PredictorOptions& options) {
  auto impl = std::make_shared<Impl>();
  PredictorRuntime& r = impl->runtime;
  r.threads = model::configure_threads(options.threads);
  r.device = model::resolve_device(options.device);
  impl->device = torch::Device(r.device == "cuda" ? torch::kCUDA : torch::kCPU);
  model::LoadedCheckpoint loaded = model::load_checkpoint(checkpoint, impl->device);
  loaded.model->eval();
  impl->checkpoint = loaded.info;
  const model::ModelDescription& described = loaded.info.model;
  // "Tile size 0 = the checkpoint's": resolved here, once, for the form probe and for the caller.
  r.tile_size = options.tile_size > 0 ? options.tile_size : described.default_tile_size();
  if (!core::is_unet_size(r.tile_size)) {
    throw ConfigError(fmt::format("checkpoint \"{}\" has patch size {}, not a multiple of {}; give --tile-size",
                                  checkpoint.string(), r.tile_size, core::kUnetSizeMultiple));
  }
  const bool on_cpu = impl->device.is_cpu();
  r.threads_source = options.threads > 0 ? "given" : "all cores";
  if (on_cpu && options.threads == 0) {
    const model::SpeedChoice threads = choose_threads(loaded.model, options, r.threads, described.in_channels,
                                                      r.tile_size, described.encoder);
    r.threads = parse_count(threads.choice);
    r.threads_source = threads.source;
    r.threads_rates = threads.rates;
    if (!threads.rates.empty()) spdlog::info("intra-op threads: {}", threads.describe("tiles"));
  }
  const model::SpeedChoice form =
      choose_form(loaded.model, options, on_cpu, r.threads, described.in_channels, r.tile_size);
  if ((form.choice == kBf16Form || form.choice == kInferenceFormInt8) && !on_cpu) {
    throw ConfigError("inference form " + form.choice + " is CPU-only");
  }
  impl->form = make_form(loaded.model, form.choice, on_cpu, /*share=*/true);
  if (form.choice == kBf16Form) check_bf16_runs(impl->form, described.in_channels);
  r.form = form.choice;
  r.form_source = form.source;
  r.form_rates = form.rates;
  if (form.source != "flags") spdlog::info("inference form {}", form.describe("tiles"));
  if (impl->form.int8) {
    const bool chosen_by_auto = form.source == "measured" || form.source == "cached";
    if (chosen_by_auto) impl->form.int8_min_mask_dice = options.int8_min_mask_dice;
    impl->form.int8_check_mask_pixels = options.int8_check_mask_pixels;
    use_cached_int8_ranges(*impl, checkpoint, options.cache_dir);
    // Replaced by the check's numbers; what predict_meta.yaml says of a run that never got there.
    r.int8_check = fmt::format("not reached: the run ended before {} mask pixels or {} tiles with objects{} were "
                               "checked; float32 answered every tile",
                               impl->form.int8_check_mask_pixels, kInt8MaxCheckTiles,
                               impl->form.int8_ranges_cached ? "" : " after calibration");
  }
  const model::SpeedChoice batch = choose_batch(impl->form, form.choice, options, on_cpu, r.threads,
                                                described.in_channels, r.tile_size, described.encoder);
  r.batch_size = parse_count(batch.choice);
  r.batch_source = batch.source;
  r.batch_rates = batch.rates;
  if (batch.source != "given") spdlog::info("tiles per forward pass: {}", batch.describe("tiles"));
  return Predictor(std::move(impl));
}

namespace {

/// folded_int8's probabilities for one batch, moving it through its stages: the first tiles
/// calibrate, the next batches with objects check int8 against float32 (both answered in float32),
/// then int8 runs, unless "auto" chose it and the check's mask Dice is below the bound: then
/// float32 goes on (forced, a warning). Float32 also goes on where the int8 kernels cannot run.
torch::Tensor int8_stage_forward(Predictor::Impl& impl, const torch::Tensor& x);

}  // namespace

const model::CheckpointInfo& Predictor::checkpoint() const { return impl_->checkpoint; }

const PredictorRuntime& Predictor::runtime() const { return impl_->runtime; }

void Predictor::start_image() const {
  PredictorForm& form = impl_->form;
  if (form.int8 && form.int8_stage == PredictorForm::Int8Stage::kRunning) {
    form.int8_stage = PredictorForm::Int8Stage::kChecking;
    form.int8_counts = {};
  }
}

double Predictor::model_seconds() const { return impl_->model_seconds; }

std::vector<cv::Mat> Predictor::predict(const std::vector<cv::Mat>& tiles) const {
  if (tiles.empty()) return {};
  const int rows = tiles.front().rows;
  const int cols = tiles.front().cols;
  if (!core::is_unet_size(rows) || !core::is_unet_size(cols)) {
    throw ModelError("tile size " + std::to_string(cols) + "x" + std::to_string(rows) +
                     " is not a multiple of " + std::to_string(core::kUnetSizeMultiple) + " as the U-Net needs");
  }
  const auto start = std::chrono::steady_clock::now();
  const auto n = static_cast<int64_t>(tiles.size());
  torch::Tensor input = torch::empty({n, 1, rows, cols}, torch::kFloat);
  for (int64_t i = 0; i < n; ++i) {
    const cv::Mat& tile = tiles[i];
    SEGOID_CHECK(tile.type() == CV_32FC1 && tile.rows == rows && tile.cols == cols,
                 "Predictor::predict: tiles must be CV_32FC1 of one size");
    cv::Mat target(rows, cols, CV_32FC1, input[i].data_ptr<float>());
    tile.copyTo(target);  // handles non-contiguous views
  }
  const int in_channels = impl_->checkpoint.model.in_channels;
  std::vector<cv::Mat> out;
  {
    torch::InferenceMode guard;
    const torch::Tensor x = in_channels == 1 ? input : input.expand({n, in_channels, rows, cols});
    const torch::Tensor prob = impl_->form.int8 ? int8_stage_forward(*impl_, x) : forward(impl_->form, x, impl_->device);
    out.reserve(tiles.size());
    for (int64_t i = 0; i < n; ++i) {
      out.push_back(cv::Mat(rows, cols, CV_32FC1, prob[i].data_ptr<float>()).clone());
    }
  }
  impl_->model_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

namespace {

using Int8Stage = PredictorForm::Int8Stage;

/// Ends int8 for the run: float32 answers from now on, and the runtime and log say why.
void drop_int8(Predictor::Impl& impl, const std::string& why) {
  impl.form.int8_stage = Int8Stage::kDropped;
  impl.runtime.form = kInt8FloatForm;
  spdlog::info("int8 inference not used: {}; going on with {}", why, kInt8FloatForm);
}

/// Calibrating: float32 answers while the ranges are observed; freezes once enough is seen.
torch::Tensor int8_calibrate_forward(Predictor::Impl& impl, const torch::Tensor& x) {
  PredictorForm& form = impl.form;
  const torch::Tensor prob = probabilities(form.int8->observe(x));
  form.int8_calibration_tiles += x.size(0);
  form.int8_calibration_mask_pixels += (prob > 0.5).sum().item<int64_t>();
  if ((form.int8_calibration_tiles >= kInt8CalibrationTiles && form.int8_calibration_mask_pixels >= kInt8MinMaskPixels) ||
      form.int8_calibration_tiles >= kInt8MaxCalibrationTiles) {
    try {
      form.int8->freeze();
      form.int8_stage = Int8Stage::kChecking;
      impl.runtime.int8_ranges = fmt::format(
          "calibrated on this run's first {} tiles{}", form.int8_calibration_tiles,
          form.int8_cached_ranges_check.empty()
              ? ""
              : fmt::format(" (the cached ranges failed its check: {})", form.int8_cached_ranges_check));
    } catch (const std::exception& e) {
      drop_int8(impl, e.what());
    }
  }
  return prob;
}

/// A check's outcome (`dice`, described by `check`; `conclusive` when it had kInt8CheckMaskPixels):
/// cached ranges that fail their first check go back to calibrating; a run's own ranges that pass
/// their first check are cached; then int8 runs, or, below the bound or inconclusive, is dropped
/// ("auto") or warned about (forced).
void finish_int8_check(Predictor::Impl& impl, double dice, const std::string& check, bool conclusive) {
  PredictorForm& form = impl.form;
  const bool passed = conclusive && dice >= kInt8MinMaskDice && dice >= form.int8_min_mask_dice;
  if (form.int8_checks == 0 && form.int8_ranges_cached && !passed && conclusive) {
    // Another plate's ranges: this run's own tiles may still give ranges that pass.
    form.int8 = std::make_shared<model::QuantizedUnet>(form.net);
    form.int8_stage = Int8Stage::kCalibrating;
    form.int8_ranges_cached = false;
    form.int8_cached_ranges_check = check;
    impl.runtime.int8_ranges = "not calibrated: the run ended first";
    spdlog::info("int8: the cached activation ranges fail this run's check ({}); calibrating on its tiles", check);
    return;
  }
  if (form.int8_checks == 0 && !form.int8_ranges_cached && passed && !form.int8_cache_dir.empty()) {
    core::ChoiceCache(form.int8_cache_dir).store(kInt8RangesCacheKind, form.int8_cache_key,
                                                 {ranges_text(form.int8->ranges()), {}});
  }
  ++form.int8_checks;
  if (dice < form.int8_lowest_dice) {
    form.int8_lowest_dice = dice;
    form.int8_lowest_check = check;
  }
  impl.runtime.int8_check = form.int8_checks == 1 ? check
                                                  : fmt::format("{} (lowest of {} checks, one per image)",
                                                                form.int8_lowest_check, form.int8_checks);
  form.int8_stage = Int8Stage::kRunning;
  if (passed) {
    if (form.int8_checks == 1) spdlog::info("int8 inference checked against float32: {}", check);
  } else if (!conclusive && form.int8_min_mask_dice > 0) {
    drop_int8(impl, fmt::format("too few objects to check it against float32 ({})", check));
  } else if (!conclusive) {
    spdlog::warn("int8 inference: too few objects to check it against float32 ({})", check);
  } else if (dice < form.int8_min_mask_dice) {
    drop_int8(impl, fmt::format("its mask on the check tiles differs from float32's by more than Dice {} allows ({})",
                                form.int8_min_mask_dice, check));
  } else {
    spdlog::warn("int8 inference: its mask differs from float32's by more than Dice {} allows ({})",
                 kInt8MinMaskDice, check);
  }
}

/// Checking: float32 answers; int8's mask is compared with it on batches with objects
/// (kInt8MinCheckBatchPixels) until float32's mask on them has int8_check_mask_pixels pixels or
/// kInt8MaxCheckTiles tiles are checked, then finish_int8_check decides.
torch::Tensor int8_check_forward(Predictor::Impl& impl, const torch::Tensor& x) {
  PredictorForm& form = impl.form;
  const torch::Tensor prob = forward(form, x, impl.device);
  const torch::Tensor float_mask = prob > 0.5;
  const int64_t float_pixels = float_mask.sum().item<int64_t>();
  if (float_pixels < kInt8MinCheckBatchPixels) return prob;
  PredictorForm::Int8CheckCounts& counts = form.int8_counts;
  try {
    const torch::Tensor q = probabilities(form.int8->forward(x));
    const torch::Tensor int8_mask = q > 0.5;
    counts.both += (int8_mask & float_mask).sum().item<int64_t>();
    counts.int8_pixels += int8_mask.sum().item<int64_t>();
    counts.float_pixels += float_pixels;
    counts.tiles += x.size(0);
    counts.max_change = std::max(counts.max_change, (q - prob).abs().max().item<double>());
  } catch (const std::exception& e) {
    counts = {};
    if (form.int8_checks > 0) {
      form.int8_stage = Int8Stage::kRunning;  // an image whose tiles int8 cannot take: those answer in float32
    } else {
      drop_int8(impl, e.what());
    }
    return prob;
  }
  const bool enough = counts.float_pixels >= form.int8_check_mask_pixels;
  if (!enough && counts.tiles < kInt8MaxCheckTiles) return prob;  // the next batch with objects adds to it
  const double dice =
      2.0 * static_cast<double>(counts.both) / static_cast<double>(counts.int8_pixels + counts.float_pixels);
  const std::string check = fmt::format("mask Dice {:.5f}, max |dp| {:.4f} on {} tile(s), {} mask pixels{}", dice,
                                        counts.max_change, counts.tiles, counts.float_pixels,
                                        enough ? "" : fmt::format(" (fewer than {})", form.int8_check_mask_pixels));
  counts = {};
  finish_int8_check(impl, dice, check, enough);
  return prob;
}

torch::Tensor int8_stage_forward(Predictor::Impl& impl, const torch::Tensor& x) {
  PredictorForm& form = impl.form;
  switch (form.int8_stage) {
    case Int8Stage::kCalibrating:
      return int8_calibrate_forward(impl, x);
    case Int8Stage::kChecking:
      return int8_check_forward(impl, x);
    case Int8Stage::kRunning:
      try {
        return probabilities(form.int8->forward(x));
      } catch (const std::exception&) {  // oneDNN refuses some small tiles (1x1 at the bottom)
        spdlog::info("int8 kernels cannot run {}x{} tiles: those are answered in float32", x.size(3), x.size(2));
        return forward(form, x, impl.device);
      }
    case Int8Stage::kDropped:
      break;
  }
  return forward(form, x, impl.device);
}

}  // namespace

}  // namespace segoid::infer
