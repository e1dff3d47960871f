// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "metrics/sharded.h"

#include <gtest/gtest.h>

#include <array>
#include <thread>
#include <vector>

namespace sluice::metrics {
namespace {

TEST(ShardedCounterTest, SumsEveryThreadsAdds) {
  ShardedCounter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 10000; ++i) counter.Add(1);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.Value(), 80000u);
}

TEST(ShardedHistogramTest, BucketsAreCumulativeAndInclusiveOfTheirBound) {
  constexpr std::array<double, 3> kBounds = {0.001, 0.01, 0.1};
  ShardedHistogram histogram(kBounds);
  histogram.ObserveNanos(1'000'000);      // == 1 ms: in the 0.001 bucket (le).
  histogram.ObserveNanos(1'000'001);      // Just over: 0.01.
  histogram.ObserveNanos(50'000'000);     // 0.1.
  histogram.ObserveNanos(2'000'000'000);  // +Inf.
  histogram.ObserveNanos(-5);             // A clock step back counts as 0.
  const ShardedHistogram::Snapshot snapshot = histogram.Read();
  ASSERT_EQ(snapshot.cumulative_counts.size(), 4u);
  EXPECT_EQ(snapshot.cumulative_counts[0], 2u);
  EXPECT_EQ(snapshot.cumulative_counts[1], 3u);
  EXPECT_EQ(snapshot.cumulative_counts[2], 4u);
  EXPECT_EQ(snapshot.cumulative_counts[3], 5u);
  EXPECT_EQ(snapshot.count, 5u);
  EXPECT_DOUBLE_EQ(snapshot.sum_seconds, 2.052000001);
}

TEST(ShardedHistogramTest, ObservationsFromManyThreadsAllCount) {
  constexpr std::array<double, 2> kBounds = {0.5, 1.0};
  ShardedHistogram histogram(kBounds);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&histogram] {
      for (int i = 0; i < 5000; ++i) histogram.ObserveNanos(750'000'000);
    });
  }
  for (auto& thread : threads) thread.join();
  const ShardedHistogram::Snapshot snapshot = histogram.Read();
  EXPECT_EQ(snapshot.cumulative_counts[0], 0u);
  EXPECT_EQ(snapshot.cumulative_counts[1], 40000u);
  EXPECT_EQ(snapshot.count, 40000u);
  EXPECT_DOUBLE_EQ(snapshot.sum_seconds, 30000.0);
}

}  // namespace
}  // namespace sluice::metrics
