// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of SpinLock: mutual exclusion under contention, including waiters
// that must yield because the holder is slow.

#include "actors/spin_lock.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice::actors {
namespace {

// Runs `section` under `lock` `times` times on each of `threads` threads,
// and joins them.
template <typename Section>
void RunContended(SpinLock& lock, int threads, int times, Section section) {
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&] {
      for (int i = 0; i < times; ++i) {
        std::lock_guard<SpinLock> guard(lock);
        section();
      }
    });
  }
  for (std::thread& thread : running) thread.join();
}

// Threads add to a plain (non-atomic) counter under the lock. A lock that
// let two in at once loses increments (and ThreadSanitizer reports the race).
TEST(SpinLockTest, ExcludesContendingThreads) {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 20'000;
  SpinLock lock;
  int64_t counter = 0;
  RunContended(lock, kThreads, kIncrements, [&] { ++counter; });
  EXPECT_EQ(counter, int64_t{kThreads} * kIncrements);
}

// A holder that stays in its section long enough that the waiters run out
// of spins and yield: they still get in one at a time, and every one gets in.
TEST(SpinLockTest, WaitersThatYieldStillGetInOneAtATime) {
  constexpr int kThreads = 3;
  constexpr int kRounds = 100;
  SpinLock lock;
  int inside = 0;
  int most_inside = 0;
  int64_t entries = 0;
  RunContended(lock, kThreads, kRounds, [&] {
    ++inside;
    if (inside > most_inside) most_inside = inside;
    ++entries;
    // Work long enough for waiters to exhaust their spins.
    for (int spin = 0; spin < 500; ++spin) std::this_thread::yield();
    --inside;
  });
  EXPECT_EQ(most_inside, 1);
  EXPECT_EQ(entries, int64_t{kThreads} * kRounds);
}

}  // namespace
}  // namespace sluice::actors
