// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Load: the whole configuration from every source, validated, as sluiced
// starts or reloads.

#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/config/sources.h"
#include "sluice/config/v1/config.pb.h"

namespace sluice::config {

/// One --set PATH=VALUE (or a classic flag mapped to its path).
struct Override {
  std::string path;
  std::string value;
  /// Names it in errors: "--set", "--credits", ...
  std::string source;
};

/// What Load() reads. A plain value; any thread.
struct LoadRequest {
  /// A YAML or JSON file; empty: none.
  std::string file_path;
  /// Usually ProcessEnvironment().
  Environment environment;
  /// Applied in order, after the environment.
  std::vector<Override> overrides;
  /// The model kinds the server can build; empty: kinds are not checked.
  std::set<std::string> known_model_kinds;
};

/// Defaults(), then the file, then the environment, then the overrides, each a
/// sparse overlay (a later source wins on the fields it sets), then
/// Validate(). INVALID_ARGUMENT carries FormatErrors() of every problem from
/// every source, one per line; a validation error names the source that last
/// set the field (or "defaults"). An unreadable file is one such error.
/// Thread-safe.
absl::StatusOr<v1::SluiceConfig> Load(const LoadRequest& request);

}  // namespace sluice::config
