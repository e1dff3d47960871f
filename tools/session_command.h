// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice session`: an interactive bidirectional session; each line typed is one request on the
// same Stream, and the responses are printed as they arrive.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kSessionSummary =
    "Interactive session on one Stream: each line typed is a request";

// Runs `sluice session` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread.
int RunSessionCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
