// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice ingest`: streams sensor readings from a CSV or JSON-lines file (or stdin) to the
// `sensors` model with one client-streaming Ingest call and prints the summary it answers with.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kIngestSummary =
    "Ingest sensor readings from CSV or JSON lines; print the summary";

// Runs `sluice ingest` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread.
int RunIngestCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
