// SPDX-License-Identifier: MIT
// The one provenance record of every YAML file SegOid writes: which SegOid, built from which
// commit, and (for a run's outputs) when.
#pragma once

#include <yaml-cpp/yaml.h>

namespace segoid::core {

/// Keys of the record, in this order.
inline constexpr char kProvenanceVersion[] = "segoid_version";  ///< core::version(), e.g. "0.1.0"
inline constexpr char kProvenanceGitHash[] = "git_hash";        ///< core::git_hash()
inline constexpr char kProvenanceTime[] = "created_utc";        ///< utc_timestamp_now(), with_time only

/// Emits the record's keys into a map the caller has begun. Without `with_time` the text depends
/// on the build only (configs that are compared or embedded in checkpoints).
void emit_provenance(YAML::Emitter& out, bool with_time = true);

/// Whether `key` is one of the record's keys (readers of SegOid's own files accept them).
bool is_provenance_key(const std::string& key);

}  // namespace segoid::core
