// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice generate`: one server-streaming Generate call; prints the responses as they arrive.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kGenerateSummary =
    "Call Generate: send a prompt, print the responses as they arrive";

// Runs `sluice generate` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread.
int RunGenerateCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
