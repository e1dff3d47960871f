// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the reconnect backoff (see reconnect_backoff.h).

#include "tools/reconnect_backoff.h"

#include <algorithm>

namespace sluice::cli {

ReconnectBackoff::ReconnectBackoff(absl::Duration initial, absl::Duration max, uint64_t seed)
    : initial_(initial), max_(std::max(initial, max)), base_(initial), random_(seed) {}

absl::Duration ReconnectBackoff::NextDelay() {
  std::uniform_real_distribution<double> factor(1 - kJitter, 1 + kJitter);
  const absl::Duration delay = std::min(max_, base_ * factor(random_));
  base_ = std::min(max_, base_ * 2);
  ++waits_in_a_row_;
  return delay;
}

void ReconnectBackoff::Reset() {
  base_ = initial_;
  waits_in_a_row_ = 0;
}

}  // namespace sluice::cli
