// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "metrics/sharded.h"

#include <algorithm>
#include <cmath>

namespace sluice::metrics {
namespace {

std::atomic<size_t> next_shard{0};

}  // namespace

size_t ThisThreadShard() {
  thread_local const size_t shard = next_shard.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

ShardedHistogram::ShardedHistogram(std::span<const double> upper_bounds)
    : upper_bounds_(upper_bounds.begin(), upper_bounds.end()) {
  upper_bounds_nanos_.reserve(upper_bounds_.size());
  for (double bound : upper_bounds_) {
    upper_bounds_nanos_.push_back(static_cast<int64_t>(std::llround(bound * 1e9)));
  }
  // Buckets, +Inf, sum; each stripe a whole number of cache lines.
  lines_per_stripe_ = (upper_bounds_.size() + 2 + kCellsPerLine - 1) / kCellsPerLine;
  lines_ = std::make_unique<Line[]>(lines_per_stripe_ * kShards);
}

void ShardedHistogram::ObserveNanos(int64_t nanos) {
  if (nanos < 0) nanos = 0;  // A clock that stepped back; count it as instant.
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(upper_bounds_nanos_.begin(), upper_bounds_nanos_.end(), nanos) -
      upper_bounds_nanos_.begin());
  const size_t shard = ThisThreadShard();
  Cell(shard, bucket).fetch_add(1, std::memory_order_relaxed);
  Cell(shard, upper_bounds_.size() + 1)
      .fetch_add(static_cast<uint64_t>(nanos), std::memory_order_relaxed);
}

ShardedHistogram::Snapshot ShardedHistogram::Read() const {
  Snapshot snapshot;
  const size_t buckets = upper_bounds_.size() + 1;
  snapshot.cumulative_counts.assign(buckets, 0);
  uint64_t sum_nanos = 0;
  for (size_t shard = 0; shard < kShards; ++shard) {
    for (size_t b = 0; b < buckets; ++b) {
      snapshot.cumulative_counts[b] += Cell(shard, b).load(std::memory_order_relaxed);
    }
    sum_nanos += Cell(shard, buckets).load(std::memory_order_relaxed);
  }
  for (size_t b = 1; b < buckets; ++b) {
    snapshot.cumulative_counts[b] += snapshot.cumulative_counts[b - 1];
  }
  snapshot.count = snapshot.cumulative_counts.back();
  snapshot.sum_seconds = static_cast<double>(sum_nanos) / 1e9;
  return snapshot;
}

}  // namespace sluice::metrics
