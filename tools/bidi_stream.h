// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The bidirectional Stream call behind `sluice stream` and `sluice session`: sends a prompt or
// stdin lines as requests and prints the responses as they arrive.

#pragma once

#include <optional>
#include <string>

#include "tools/call_options.h"

namespace sluice::cli {

// What one Stream call sends and shows. A value type, built on the main thread and read (not
// modified) by the writer thread while the stream runs.
struct StreamOptions {
  CallOptions call;
  // Set by --prompt (possibly to ""); unset means "read requests from stdin".
  std::optional<std::string> prompt;
  // Print a prompt marker on stderr when a line is wanted (sluice session on a terminal).
  bool prompt_marker = false;
};

// Runs one Stream call as `options` say and returns the exit code. Called from the main thread;
// it starts and joins its own writer thread.
int RunBidiStream(const StreamOptions& options);

}  // namespace sluice::cli
