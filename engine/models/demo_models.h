// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The demo models that `sluiced` serves out of the box.

#pragma once

#include "absl/status/status.h"
#include "engine/models/tokens_model.h"
#include "sluice/engine.h"

namespace sluice::models {

/// Registers `echo`, `echo_pool`, `tokens`, `sensors`, `blob`, `predict` and
/// `feed` with `engine` (before Start()). docs/models.md describes them.
absl::Status RegisterDemoModels(Engine& engine, const TokensModelOptions& tokens);

}  // namespace sluice::models
