// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Validate: whether a whole configuration can be served, every problem at
// once.

#pragma once

#include <set>
#include <string>
#include <vector>

#include "engine/config/field_error.h"
#include "sluice/config/v1/config.pb.h"

namespace sluice::config {

/// Every problem with `config`, each with path, value and reason (source left
/// empty; Load() fills it in). Per-field rules first, in schema order:
///  - each number within its FieldSpec range, required strings not empty,
///    enums not unspecified;
/// then the rules between fields:
///  - addresses are HOST:PORT (port 0..65535; an IPv6 host in brackets), the
///    admin address is loopback unless admin_allow_remote, no two listeners
///    on the same port;
///  - streams.max_message_bytes is 0 or at least max_payload_bytes;
///    deadlines.default_seconds is not above max_seconds when both are set;
///  - model names and versions are [A-Za-z0-9_.-]{1,128}, name+version
///    unique, kind in `known_model_kinds` (not checked when that is empty),
///    worker_threads 0 for an inline model.
/// Thread-safe.
std::vector<FieldError> Validate(const v1::SluiceConfig& config,
                                 const std::set<std::string>& known_model_kinds);

}  // namespace sluice::config
