// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The demo models that `sluiced` serves out of the box.

#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/models/tokens_model.h"
#include "sluice/engine.h"

namespace sluice::models {

/// Registers `echo`, `echo_pool`, `tokens`, `sensors`, `blob`, `predict` and
/// `feed` with `engine` (before Start()). docs/models.md describes them.
absl::Status RegisterDemoModels(Engine& engine, const TokensModelOptions& tokens);

/// The kinds of model a configuration may name: the demo models above.
const std::set<std::string>& DemoModelKinds();

/// A model of `kind` configured by `parameters` (its config's `parameters`;
/// only `tokens` takes any: max_tokens, tokens_per_second). The spec's name
/// and version are left for the caller. INVALID_ARGUMENT names an unknown
/// kind or a bad parameter.
absl::StatusOr<ModelSpec> MakeDemoModel(std::string_view kind,
                                        const std::map<std::string, std::string>& parameters);

}  // namespace sluice::models
