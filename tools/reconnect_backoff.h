// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ReconnectBackoff: how long `sluice --resume` waits before each reconnect, so that clients that
// lost a server together do not all come back in the same instant.

#pragma once

#include <cstdint>
#include <random>

#include "absl/time/time.h"

namespace sluice::cli {

// Exponential backoff with jitter: the n-th wait in a row is initial * 2^(n-1), capped at `max`,
// times a random factor in [1 - kJitter, 1 + kJitter], and never more than `max`. Reset() starts
// over at `initial` (after a reconnect that worked).
// Owned by one resumable call; not synchronised, used from the thread that runs the call.
class ReconnectBackoff {
 public:
  static constexpr double kJitter = 0.2;

  // `seed` makes the jitter reproducible in tests; commands pass a random one.
  ReconnectBackoff(absl::Duration initial, absl::Duration max, uint64_t seed);

  // The wait before the next reconnect; counts it.
  absl::Duration NextDelay();
  void Reset();
  // Waits handed out since the last Reset().
  uint32_t waits_in_a_row() const { return waits_in_a_row_; }

 private:
  const absl::Duration initial_;
  const absl::Duration max_;
  absl::Duration base_;
  uint32_t waits_in_a_row_ = 0;
  std::mt19937_64 random_;
};

}  // namespace sluice::cli
