// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice infer`: one unary Infer call; prints the response's payload and parameters.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kInferSummary = "Call Infer once (unary) and print the response";

// Runs `sluice infer` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread.
int RunInferCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
