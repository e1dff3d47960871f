// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Parsing of the --resume flags (see resume_policy.h).

#include "tools/resume_policy.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/call_options.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kResumeFlags[] = {
    {"resume", FlagKind::kSwitch},
    {"session", FlagKind::kValue},
    {"max-retries", FlagKind::kValue},
    {"retry-backoff-ms", FlagKind::kValue},
};

constexpr uint64_t kMaxRetries = 1000;
constexpr uint64_t kMaxInitialBackoffMs = 60'000;
constexpr size_t kMaxSessionIdLength = 256;

// A session id travels as a metadata value, which gRPC only accepts as printable ASCII; spaces
// are refused too, since they are easily lost when the id is copied from a log.
bool IsValidSessionId(absl::string_view id) {
  return !id.empty() && id.size() <= kMaxSessionIdLength &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c <= '~'; });
}

}  // namespace

absl::Span<const FlagSpec> ResumeFlagSpecs() { return kResumeFlags; }

absl::StatusOr<std::optional<ResumePolicy>> ParseResumePolicy(const ParsedFlags& flags) {
  if (!flags.Has("resume")) {
    for (absl::string_view flag : {"session", "max-retries", "retry-backoff-ms"}) {
      if (flags.Has(flag)) {
        return absl::InvalidArgumentError(absl::StrCat("--", flag, " needs --resume"));
      }
    }
    return std::nullopt;
  }
  ResumePolicy policy;
  policy.session_id = flags.ValueOr("session", "");
  if (!flags.Has("session")) {
    policy.session_id = RandomSessionId();
  } else if (!IsValidSessionId(policy.session_id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--session wants 1 to ", kMaxSessionIdLength,
        " printable ASCII characters without spaces, got '", flags.ValueOr("session", ""), "'"));
  }
  if (flags.Has("max-retries")) {
    absl::StatusOr<uint64_t> retries =
        ParseCount("max-retries", flags.ValueOr("max-retries", ""), 0, kMaxRetries);
    if (!retries.ok()) return retries.status();
    policy.max_retries = static_cast<uint32_t>(*retries);
  }
  if (flags.Has("retry-backoff-ms")) {
    absl::StatusOr<uint64_t> backoff_ms = ParseCount(
        "retry-backoff-ms", flags.ValueOr("retry-backoff-ms", ""), 1, kMaxInitialBackoffMs);
    if (!backoff_ms.ok()) return backoff_ms.status();
    policy.initial_backoff = absl::Milliseconds(static_cast<int64_t>(*backoff_ms));
  }
  // An initial wait above the usual cap is kept, not cut: the user asked for it.
  policy.max_backoff = std::max(policy.max_backoff, policy.initial_backoff);
  return policy;
}

std::string RandomSessionId() {
  std::random_device entropy;
  const uint64_t bits = (static_cast<uint64_t>(entropy()) << 32) | entropy();
  return absl::StrFormat("cli-%016x", bits);
}

}  // namespace sluice::cli
