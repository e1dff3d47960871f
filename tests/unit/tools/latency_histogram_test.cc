// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of LatencyHistogram, the log-linear histogram behind `sluice bench`'s percentiles.

#include "tools/latency_histogram.h"

#include <cmath>
#include <cstdint>
#include <random>

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

constexpr int64_t kMicro = 1'000;
constexpr int64_t kSecond = 1'000'000'000;

// Within 1% of `expected`, the histogram's promise.
void ExpectNear(int64_t actual, int64_t expected) {
  EXPECT_NEAR(static_cast<double>(actual), static_cast<double>(expected),
              0.01 * static_cast<double>(expected))
      << "actual " << actual << " expected " << expected;
}

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.Percentile(0.5), 0);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_EQ(histogram.mean(), 0);
}

TEST(LatencyHistogramTest, SingleValueIsEveryPercentile) {
  LatencyHistogram histogram;
  histogram.Record(123'456 * kMicro);
  for (double q : {0.0, 0.5, 0.9, 0.999, 1.0}) {
    EXPECT_EQ(histogram.Percentile(q), 123'456 * kMicro) << q;
  }
}

TEST(LatencyHistogramTest, UniformDistributionPercentiles) {
  LatencyHistogram histogram;
  // 1 µs .. 100 ms in steps of 1 µs: the q-quantile is q * 100 ms.
  for (int64_t us = 1; us <= 100'000; ++us) histogram.Record(us * kMicro);
  EXPECT_EQ(histogram.count(), 100'000u);
  ExpectNear(histogram.Percentile(0.5), 50'000 * kMicro);
  ExpectNear(histogram.Percentile(0.9), 90'000 * kMicro);
  ExpectNear(histogram.Percentile(0.99), 99'000 * kMicro);
  ExpectNear(histogram.Percentile(0.999), 99'900 * kMicro);
  EXPECT_EQ(histogram.max(), 100'000 * kMicro);
  EXPECT_EQ(histogram.min(), 1 * kMicro);
  ExpectNear(static_cast<int64_t>(histogram.mean()), 50'000 * kMicro);
}

TEST(LatencyHistogramTest, BimodalDistributionFindsTheTail) {
  LatencyHistogram histogram;
  // 98% fast (100 µs), 2% slow (250 ms): p50 and p90 are fast, p99 slow.
  for (int i = 0; i < 9'800; ++i) histogram.Record(100 * kMicro);
  for (int i = 0; i < 200; ++i) histogram.Record(250'000 * kMicro);
  ExpectNear(histogram.Percentile(0.5), 100 * kMicro);
  ExpectNear(histogram.Percentile(0.9), 100 * kMicro);
  ExpectNear(histogram.Percentile(0.98), 100 * kMicro);
  ExpectNear(histogram.Percentile(0.99), 250'000 * kMicro);
  ExpectNear(histogram.Percentile(0.999), 250'000 * kMicro);
}

TEST(LatencyHistogramTest, RelativeErrorBelowOnePercentAcrossTheRange) {
  // Values from 1 µs to 100 s, log-spaced, read back within 1% as the median of three samples
  // (the other two at the ends of the range, so the clamp to [min, max] hides no rounding).
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> exponent(3, 11);  // 10^3 ns .. 10^11 ns.
  for (int i = 0; i < 10'000; ++i) {
    const auto value = static_cast<int64_t>(std::pow(10.0, exponent(random)));
    LatencyHistogram histogram;
    histogram.Record(1);
    histogram.Record(value);
    histogram.Record(LatencyHistogram::kMaxNanos);
    ExpectNear(histogram.Percentile(0.5), value);
  }
}

TEST(LatencyHistogramTest, ClampsOutOfRangeValues) {
  LatencyHistogram histogram;
  histogram.Record(-5);
  histogram.Record(1'000 * kSecond);  // Over 100 s.
  EXPECT_EQ(histogram.count(), 2u);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), LatencyHistogram::kMaxNanos);
  EXPECT_EQ(histogram.Percentile(1.0), LatencyHistogram::kMaxNanos);
  EXPECT_EQ(histogram.Percentile(0.0), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (int64_t ns = 0; ns < 128; ++ns) histogram.Record(ns);
  EXPECT_EQ(histogram.Percentile(0.5), 63);
  EXPECT_EQ(histogram.Percentile(1.0), 127);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverything) {
  LatencyHistogram fast;
  LatencyHistogram slow;
  LatencyHistogram all;
  for (int64_t us = 1; us <= 1'000; ++us) {
    fast.Record(us * kMicro);
    all.Record(us * kMicro);
  }
  for (int64_t ms = 1; ms <= 1'000; ++ms) {
    slow.Record(ms * 1'000 * kMicro);
    all.Record(ms * 1'000 * kMicro);
  }
  LatencyHistogram merged;
  merged.Merge(fast);
  merged.Merge(slow);
  merged.Merge(LatencyHistogram());  // An empty one changes nothing.
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_DOUBLE_EQ(merged.mean(), all.mean());
  for (double q : {0.1, 0.5, 0.75, 0.9, 0.99, 0.999}) {
    EXPECT_EQ(merged.Percentile(q), all.Percentile(q)) << q;
  }
  ExpectNear(merged.Percentile(0.25), 500 * kMicro);
  ExpectNear(merged.Percentile(0.75), 500'000 * kMicro);
}

}  // namespace
}  // namespace sluice::cli
