// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ToYaml: the effective configuration as a YAML file (sluiced --print-config,
// the admin service).

#pragma once

#include <string>

#include "sluice/config/v1/config.pb.h"

namespace sluice::config {

/// Every field of `config`, in schema order, each with a trailing comment
/// `# unit, live|restart`. ApplyDocument() reads it back to an equal message.
/// Strings are double-quoted; map keys are sorted. Thread-safe.
std::string ToYaml(const v1::SluiceConfig& config);

}  // namespace sluice::config
