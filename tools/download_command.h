// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice download`: receives a blob from the `blob` model in chunks with one Generate call,
// writes it to a file in order and verifies the chunk numbering and the announced SHA-256.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kDownloadSummary =
    "Download a blob in chunks to a file; verify order and sha256";

// Runs `sluice download` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread.
int RunDownloadCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
