// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The built-in configuration: what sluiced does when nothing is configured,
// equal to the engine's EngineOptions defaults and the demo model set.

#pragma once

#include "sluice/config/v1/config.pb.h"

namespace sluice::config {

/// Every field at its FieldSpec default_text, and the demo models (echo,
/// echo_pool, tokens, sensors, blob, predict, feed; each of kind == name and
/// execution default; tokens with tokens_per_second "20" and max_tokens
/// "16"). Thread-safe.
v1::SluiceConfig Defaults();

/// A models-list entry as a document or --set adds it: every field at its
/// FieldSpec default (version "1", execution default). Thread-safe.
v1::ModelConfig DefaultModel();

}  // namespace sluice::config
