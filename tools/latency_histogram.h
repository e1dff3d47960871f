// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// LatencyHistogram: an HDR-style histogram of durations for `sluice bench`, with log-linear buckets
// so that percentiles from 1 µs to 100 s come out within 1% of the recorded values in fixed memory.

#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::cli {

// Counts durations in nanoseconds. Values up to 2^7 ns get a bucket each; above that, every
// power-of-two range is split into 128 equal buckets, so a bucket is at most 1/128 of its values
// wide and a reported percentile (the middle of its bucket, kept within [min, max]) is within
// 0.4% of the value recorded. Values above kMaxNanos (100 s) are counted as kMaxNanos; negative
// ones as 0. About 30 KiB. A value type owned by its user; not synchronised.
class LatencyHistogram {
 public:
  static constexpr int64_t kMaxNanos = 100'000'000'000;

  LatencyHistogram();

  void Record(int64_t nanos);
  // Adds every value `other` recorded.
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  // The smallest and largest values recorded (after clamping); 0 when empty.
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double mean() const;

  // The value below or at which a fraction `q` (0..1) of the recorded values lie (nearest rank),
  // within the relative error above; 0 when empty. q <= 0 gives min(), q >= 1 max().
  int64_t Percentile(double q) const;

 private:
  static size_t BucketOf(int64_t nanos);
  // The smallest and largest values that fall into `bucket`.
  static int64_t BucketLow(size_t bucket);
  static int64_t BucketHigh(size_t bucket);

  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  // Sum of the recorded values, for mean(); a double so that 1e9 values of 100 s do not overflow.
  double sum_ = 0;
};

}  // namespace sluice::cli
