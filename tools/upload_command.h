// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice upload`: sends a file to the `blob` model in chunks with one client-streaming Ingest
// call and verifies the server's confirmation (size and SHA-256) against the local file.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kUploadSummary =
    "Upload a file to the blob model in chunks; verify size and sha256";

// Runs `sluice upload` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread.
int RunUploadCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
