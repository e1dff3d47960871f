// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice subscribe`: subscribes to a topic of the `feed` model with one Generate call and prints
// each item as it arrives.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kSubscribeSummary =
    "Subscribe to a feed topic; print items as they are published";

// Runs `sluice subscribe` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread.
int RunSubscribeCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
