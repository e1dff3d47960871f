// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The flags of `sluice stream`: their usage text and their parsing and validation into
// StreamOptions, kept apart from the RPC code so that both stay small.

#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr char kDefaultTarget[] = "127.0.0.1:50051";

// The validated command line of `sluice stream`. A value type, used from the main thread and read
// (not modified) by the writer thread while the stream runs.
struct StreamOptions {
  bool help = false;
  std::string target = kDefaultTarget;
  std::string model;
  std::string version;
  std::string stream_id;
  // Set by --prompt (possibly to ""); unset means "read requests from stdin".
  std::optional<std::string> prompt;
  std::map<std::string, std::string> parameters;
  // The deadline of the whole stream, and the --timeout text as the user wrote it for messages.
  std::optional<absl::Duration> timeout;
  std::string timeout_text;
  bool raw = false;
};

// The help text of `sluice stream`, ending in a newline.
absl::string_view StreamUsage();

// Parses the arguments after `sluice stream`. Returns InvalidArgumentError with a one-line reason
// for unknown flags, a missing --model, a malformed --param or --timeout, or stray arguments.
// With --help, returns options with only `help` meaningful and skips the other checks.
absl::StatusOr<StreamOptions> ParseStreamOptions(absl::Span<const char* const> args);

}  // namespace sluice::cli
