// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice publish`: publishes to a topic of the `feed` model, one message with Infer or many lines
// with one Ingest call, and prints the server's confirmation.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kPublishSummary =
    "Publish one message, or many lines, to a feed topic";

// Runs `sluice publish` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread.
int RunPublishCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
