// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluiced's flags from before the configuration file, as config paths, so
// that `--credits 4` stays a shorthand for `--set streams.credits_per_stream=4`.

#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sluice::config {

/// Flag name (without "--") -> the path ApplyOverride() takes, for every
/// classic sluiced flag: listen, stream_threads, model_threads, credits,
/// window, max_payload_bytes, max_messages_per_turn, inline_actors,
/// drain_seconds, metrics_address, metrics, and the tokens model's
/// tokens_per_second and max_tokens (as `models[name=tokens].parameters.*`).
/// Thread-safe.
const std::vector<std::pair<std::string, std::string>>& ClassicFlagPaths();

}  // namespace sluice::config
