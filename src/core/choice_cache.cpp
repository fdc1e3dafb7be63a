// SPDX-License-Identifier: MIT
// choices.json: measured speed choices keyed by machine.
#include "segoid/core/choice_cache.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"

namespace segoid::core {
namespace {

constexpr const char* kFileName = "choices.json";

nlohmann::json read_json(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return nlohmann::json::object();
  try {
    nlohmann::json j = nlohmann::json::parse(read_file(file));
    if (j.is_object()) return j;
  } catch (const std::exception& e) {
    spdlog::warn("ignoring the speed-choice cache \"{}\": {}", file.string(), e.what());
    return nlohmann::json::object();
  }
  spdlog::warn("ignoring the speed-choice cache \"{}\": not a JSON object", file.string());
  return nlohmann::json::object();
}

}  // namespace

std::string MachineKey::text() const {
  return fmt::format("cpu={} | threads={} | libtorch={} | {}", cpu_model, threads, torch_version, shape);
}

ChoiceCache::ChoiceCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::filesystem::path ChoiceCache::file() const { return dir_.empty() ? dir_ : dir_ / kFileName; }

std::optional<MeasuredChoice> ChoiceCache::find(const std::string& kind, const MachineKey& key) const {
  if (dir_.empty()) return std::nullopt;
  const nlohmann::json j = read_json(file());
  const auto kind_it = j.find(kind);
  if (kind_it == j.end() || !kind_it->is_object()) return std::nullopt;
  const auto entry = kind_it->find(key.text());
  if (entry == kind_it->end() || !entry->is_object()) return std::nullopt;
  try {
    MeasuredChoice out;
    out.choice = entry->at("choice").get<std::string>();
    if (entry->contains("rates")) out.rates = entry->at("rates").get<std::map<std::string, double>>();
    return out;
  } catch (const nlohmann::json::exception& e) {
    spdlog::warn("ignoring a malformed entry in \"{}\": {}", file().string(), e.what());
    return std::nullopt;
  }
}

void ChoiceCache::store(const std::string& kind, const MachineKey& key, const MeasuredChoice& choice) const {
  if (dir_.empty()) return;
  try {
    nlohmann::json j = read_json(file());
    j[kind][key.text()] = {{"choice", choice.choice}, {"rates", choice.rates}};
    std::filesystem::create_directories(dir_);
    write_file_atomic(file(), j.dump(2) + "\n");
  } catch (const std::exception& e) {
    spdlog::warn("could not write the speed-choice cache \"{}\": {}", file().string(), e.what());
  }
}

std::string fastest(const std::map<std::string, double>& rates) {
  SEGOID_CHECK(!rates.empty(), "fastest: no candidates");
  auto best = rates.begin();
  for (auto it = rates.begin(); it != rates.end(); ++it) {
    if (it->second > best->second) best = it;
  }
  return best->first;
}

std::string format_rates(const std::map<std::string, double>& rates, const std::string& unit) {
  std::string text;
  for (const auto& [name, rate] : rates) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {:.2f} {}/s", name, rate, unit);
  }
  return text;
}

}  // namespace segoid::core
