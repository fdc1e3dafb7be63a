// SPDX-License-Identifier: MIT
// Run folder naming, metrics CSV and history JSON.
#include "train_run_dir.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <system_error>

#include "segoid/core/error.hpp"

namespace segoid::train {
namespace fs = std::filesystem;

fs::path create_unique_run_dir(const fs::path& parent, std::time_t now) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw IoError("cannot create run folder parent \"" + parent.string() + "\": " + ec.message());
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "train_%Y%m%d_%H%M%S", &local);
  constexpr int kMaxSuffix = 10000;
  for (int n = 1; n < kMaxSuffix; ++n) {
    const fs::path candidate = parent / (n == 1 ? std::string(stamp) : fmt::format("{}_{}", stamp, n));
    // create_directory returns false when the folder already exists: the next suffix is tried.
    if (fs::create_directory(candidate, ec)) return candidate;
    if (ec) throw IoError("cannot create run folder \"" + candidate.string() + "\": " + ec.message());
  }
  throw IoError("cannot find a free run folder name under \"" + parent.string() + "\"");
}

std::string metrics_csv(const std::vector<EpochRecord>& history) {
  std::string out =
      "epoch,lr,train_loss,train_dice,train_iou,val_loss,val_dice,val_iou,val_precision,val_recall,seconds\n";
  for (const EpochRecord& r : history) {
    out += fmt::format("{},{:.6g},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.2f}\n", r.epoch, r.lr,
                       r.train.loss, r.train.dice, r.train.iou, r.val.loss, r.val.dice, r.val.iou, r.val.precision,
                       r.val.recall, r.seconds);
  }
  return out;
}

namespace {

nlohmann::json metrics_json(const EpochMetrics& m) {
  return {{"loss", m.loss}, {"dice", m.dice}, {"iou", m.iou}, {"precision", m.precision}, {"recall", m.recall}};
}

EpochMetrics metrics_from(const nlohmann::json& j) {
  EpochMetrics m;
  m.loss = j.at("loss").get<double>();
  m.dice = j.at("dice").get<double>();
  m.iou = j.at("iou").get<double>();
  m.precision = j.at("precision").get<double>();
  m.recall = j.at("recall").get<double>();
  return m;
}

/// Python's {series: [values]} -> records (epochs 1..n, the longest series' length).
std::vector<EpochRecord> history_from_python(const nlohmann::json& series) {
  std::size_t epochs = 0;
  for (const auto& values : series) {
    if (values.is_array()) epochs = std::max(epochs, values.size());
  }
  std::vector<EpochRecord> history(epochs);
  for (std::size_t i = 0; i < epochs; ++i) {
    std::vector<double> v;
    for (const char* key : kPythonHistoryKeys) {
      const auto it = series.find(key);
      const bool has = it != series.end() && it->is_array() && i < it->size() && (*it)[i].is_number();
      v.push_back(has ? (*it)[i].get<double>() : 0.0);
    }
    EpochRecord& r = history[i];
    r.epoch = static_cast<int>(i) + 1;
    r.train.loss = v[0];
    r.train.dice = v[1];
    r.val.loss = v[2];
    r.val.dice = v[3];
    r.lr = v[4];
  }
  return history;
}

}  // namespace

std::vector<double> python_history_values(const EpochRecord& r) {
  return {r.train.loss, r.train.dice, r.val.loss, r.val.dice, r.lr};
}

std::string history_to_json(const std::vector<EpochRecord>& history) {
  nlohmann::json rows = nlohmann::json::array();
  for (const EpochRecord& r : history) {
    rows.push_back({{"epoch", r.epoch},
                    {"lr", r.lr},
                    {"train", metrics_json(r.train)},
                    {"val", metrics_json(r.val)},
                    {"seconds", r.seconds},
                    {"data_seconds", r.data_seconds}});
  }
  return rows.dump();
}

std::vector<EpochRecord> history_from_json(const std::string& json) {
  std::vector<EpochRecord> history;
  if (json.empty()) return history;
  try {
    const nlohmann::json parsed = nlohmann::json::parse(json);
    if (parsed.is_object()) return history_from_python(parsed);
    for (const auto& row : parsed) {
      EpochRecord r;
      r.epoch = row.at("epoch").get<int>();
      r.lr = row.at("lr").get<double>();
      r.train = metrics_from(row.at("train"));
      r.val = metrics_from(row.at("val"));
      r.seconds = row.at("seconds").get<double>();
      r.data_seconds = row.value("data_seconds", 0.0);
      history.push_back(r);
    }
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(std::string("malformed training history in checkpoint: ") + e.what());
  }
  return history;
}

}  // namespace segoid::train
