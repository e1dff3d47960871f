// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of ReconnectBackoff, the waits of `sluice --resume` between reconnects.

#include "tools/reconnect_backoff.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

constexpr double kLow = 1 - ReconnectBackoff::kJitter;
constexpr double kHigh = 1 + ReconnectBackoff::kJitter;

TEST(ReconnectBackoffTest, WaitsDoubleWithJitterUpToTheCap) {
  ReconnectBackoff backoff(absl::Milliseconds(100), absl::Seconds(5), /*seed=*/1);
  absl::Duration base = absl::Milliseconds(100);
  for (int wait = 1; wait <= 12; ++wait) {
    const absl::Duration delay = backoff.NextDelay();
    EXPECT_GE(delay, base * kLow) << "wait " << wait;
    EXPECT_LE(delay, std::min(base * kHigh, absl::Seconds(5))) << "wait " << wait;
    EXPECT_EQ(backoff.waits_in_a_row(), static_cast<uint32_t>(wait));
    base = std::min(base * 2, absl::Seconds(5));
  }
  EXPECT_EQ(base, absl::Seconds(5));  // The loop reached the cap.
}

TEST(ReconnectBackoffTest, JitterSpreadsTheWaits) {
  // Clients that lost the same server must not all come back in the same instant.
  ReconnectBackoff first(absl::Milliseconds(100), absl::Seconds(5), /*seed=*/1);
  ReconnectBackoff second(absl::Milliseconds(100), absl::Seconds(5), /*seed=*/2);
  int differing = 0;
  for (int wait = 0; wait < 5; ++wait) differing += first.NextDelay() != second.NextDelay();
  EXPECT_GT(differing, 0);
}

TEST(ReconnectBackoffTest, ResetStartsOverAtTheInitialWait) {
  ReconnectBackoff backoff(absl::Milliseconds(100), absl::Seconds(5), /*seed=*/3);
  for (int wait = 0; wait < 6; ++wait) backoff.NextDelay();
  EXPECT_GT(backoff.NextDelay(), absl::Milliseconds(100) * kHigh);
  backoff.Reset();
  EXPECT_EQ(backoff.waits_in_a_row(), 0u);
  EXPECT_LE(backoff.NextDelay(), absl::Milliseconds(100) * kHigh);
  EXPECT_EQ(backoff.waits_in_a_row(), 1u);
}

TEST(ReconnectBackoffTest, InitialWaitAboveTheCapIsKept) {
  ReconnectBackoff backoff(absl::Seconds(8), absl::Seconds(5), /*seed=*/4);
  for (int wait = 0; wait < 3; ++wait) {
    const absl::Duration delay = backoff.NextDelay();
    EXPECT_GE(delay, absl::Seconds(8) * kLow);
    EXPECT_LE(delay, absl::Seconds(8));
  }
}

}  // namespace
}  // namespace sluice::cli
