// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice stream`: opens one bidirectional Stream RPC, sends a prompt or stdin lines as requests
// and prints the responses as they arrive.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kStreamSummary =
    "Open a bidi Stream: send a prompt or stdin lines, print responses live";

// Runs `sluice stream` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread; it starts and joins its own writer thread.
int RunStreamCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
