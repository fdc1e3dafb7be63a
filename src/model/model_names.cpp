// SPDX-License-Identifier: MIT
// Resolving a model name (`spheroid-base`) to its checkpoint file in the model folders.
#include "segoid/model/model_names.hpp"

#include "segoid/core/error.hpp"

namespace segoid::model {

namespace fs = std::filesystem;

bool is_model_name(const std::string& argument) {
  if (argument.empty() || argument == "." || argument == "..") return false;
  const fs::path path(argument);
  return !path.has_parent_path() && !path.has_extension();
}

fs::path find_model(const std::string& name, const std::vector<fs::path>& model_dirs) {
  std::error_code ec;
  for (const fs::path& dir : model_dirs) {
    const fs::path candidate = dir / (name + kModelFileExtension);
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  return {};
}

fs::path resolve_model(const std::string& argument, const std::vector<fs::path>& model_dirs) {
  std::error_code ec;
  if (!is_model_name(argument) || fs::is_regular_file(argument, ec)) return argument;
  if (fs::path found = find_model(argument, model_dirs); !found.empty()) return found;
  std::string searched;
  for (const fs::path& dir : model_dirs) searched += (searched.empty() ? "" : ", ") + ("\"" + dir.string() + "\"");
  throw ModelError("no model named \"" + argument + "\": no " + argument + kModelFileExtension + " in " +
                   (searched.empty() ? std::string("any model folder") : searched) +
                   " (give a checkpoint path, or put the file in $SEGOID_MODELS_DIR)");
}

}  // namespace segoid::model
