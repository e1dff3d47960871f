// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of LatencyHistogram (see latency_histogram.h).

#include "tools/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sluice::cli {
namespace {

// 2^kSubBits buckets per power of two: the relative width of a bucket is at most 2^-kSubBits.
constexpr int kSubBits = 7;
constexpr uint64_t kSubCount = uint64_t{1} << kSubBits;

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(BucketOf(kMaxNanos) + 1, 0) {}

size_t LatencyHistogram::BucketOf(int64_t nanos) {
  const auto value = static_cast<uint64_t>(std::clamp<int64_t>(nanos, 0, kMaxNanos));
  if (value < kSubCount) return static_cast<size_t>(value);
  // Values with their top bit at position kSubBits + shift are grouped 2^shift to a bucket.
  const int shift = std::bit_width(value) - 1 - kSubBits;
  return static_cast<size_t>(static_cast<uint64_t>(shift + 1) * kSubCount +
                             ((value >> shift) - kSubCount));
}

int64_t LatencyHistogram::BucketLow(size_t bucket) {
  if (bucket < kSubCount) return static_cast<int64_t>(bucket);
  const uint64_t shift = bucket / kSubCount - 1;
  return static_cast<int64_t>((kSubCount + bucket % kSubCount) << shift);
}

int64_t LatencyHistogram::BucketHigh(size_t bucket) {
  if (bucket < kSubCount) return static_cast<int64_t>(bucket);
  const uint64_t shift = bucket / kSubCount - 1;
  return BucketLow(bucket) + static_cast<int64_t>((uint64_t{1} << shift) - 1);
}

void LatencyHistogram::Record(int64_t nanos) {
  const int64_t value = std::clamp<int64_t>(nanos, 0, kMaxNanos);
  ++buckets_[BucketOf(value)];
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<double>(value);
  ++count_;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
  count_ += other.count_;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0 : sum_ / static_cast<double>(count_);
}

int64_t LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  if (q <= 0) return min_;
  if (q >= 1) return max_;
  // Nearest rank: the smallest value with at least ceil(q * count) values at or below it.
  const auto rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const int64_t middle = BucketLow(i) + (BucketHigh(i) - BucketLow(i)) / 2;
      return std::clamp(middle, min_, max_);
    }
  }
  return max_;
}

}  // namespace sluice::cli
