// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Diff: what a reload changes, split into what a running engine applies and
// what waits for a restart.

#pragma once

#include <string>
#include <vector>

#include "sluice/config/v1/config.pb.h"

namespace sluice::config {

/// Field paths that differ, in schema order. A plain value; any thread.
struct ConfigChange {
  /// Fields whose FieldSpec says live: applied on reload. A models list that
  /// differs in any way is the one entry "models".
  std::vector<std::string> live;
  /// Fields that take effect only after a restart.
  std::vector<std::string> restart;

  bool empty() const { return live.empty() && restart.empty(); }
};

/// The fields of `next` that differ from `running`. Thread-safe.
ConfigChange Diff(const v1::SluiceConfig& running, const v1::SluiceConfig& next);

}  // namespace sluice::config
