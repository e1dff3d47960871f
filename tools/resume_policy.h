// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// --resume and its flags (--session, --max-retries, --retry-backoff-ms) for `sluice generate` and
// `sluice session`: how a call that loses its connection reconnects and resumes its session.

#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "tools/cli_flags.h"

namespace sluice::cli {

// How a resumable call reconnects. A value type, built on the main thread and afterwards only read.
struct ResumePolicy {
  // The sluice-session metadata value; --session, or a random id.
  std::string session_id;
  // Reconnects in a row that bring no response before giving up. A response resets the count.
  uint32_t max_retries = 10;
  // The wait before the first reconnect; each one after it waits twice as long, up to
  // max_backoff, every wait with random jitter.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// The specs of --resume, --session, --max-retries and --retry-backoff-ms.
absl::Span<const FlagSpec> ResumeFlagSpecs();

// Their lines in a command's usage text.
inline constexpr absl::string_view kResumeFlagsUsage =
    R"(  --resume              open a resumable session: when the connection is lost,
                        reconnect with backoff and resume where the output
                        left off, printing every response exactly once
  --session ID          the session id with --resume (default: a random id)
  --max-retries N       reconnects in a row without a response before giving
                        up (default 10)
  --retry-backoff-ms MS the wait before the first reconnect (default 100); it
                        doubles, with jitter, up to 5 s
)";

// The policy the flags ask for: nullopt without --resume. InvalidArgumentError for a bad value, or
// for --session, --max-retries or --retry-backoff-ms without --resume.
absl::StatusOr<std::optional<ResumePolicy>> ParseResumePolicy(const ParsedFlags& flags);

// A random session id: "cli-" and 16 hex digits.
std::string RandomSessionId();

}  // namespace sluice::cli
