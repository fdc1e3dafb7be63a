// SPDX-License-Identifier: MIT
// The provenance record: version, git hash and creation time, written one way everywhere.
#include "segoid/core/provenance.hpp"

#include <string>

#include "segoid/core/utc_time.hpp"
#include "segoid/core/version.hpp"

namespace segoid::core {

void emit_provenance(YAML::Emitter& out, bool with_time) {
  out << YAML::Key << kProvenanceVersion << YAML::Value << version();
  out << YAML::Key << kProvenanceGitHash << YAML::Value << git_hash();
  if (with_time) out << YAML::Key << kProvenanceTime << YAML::Value << utc_timestamp_now();
}

bool is_provenance_key(const std::string& key) {
  return key == kProvenanceVersion || key == kProvenanceGitHash || key == kProvenanceTime;
}

}  // namespace segoid::core
