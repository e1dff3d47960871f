// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ShardedCounter and ShardedHistogram: statistics written on the per-message
// path without a lock and without every thread writing one cache line.

#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace sluice::metrics {

/// How many stripes a sharded statistic has. A thread always writes the same
/// stripe, so two threads share one only when more than this many write.
inline constexpr size_t kShards = 16;

/// The stripe this thread writes (assigned round-robin at its first use).
size_t ThisThreadShard();

/// A monotonically increasing count, exact and readable at any time.
///
/// Ownership: a member of whatever counts. Threads: Add() from any thread
/// (one relaxed add to this thread's own stripe); Value() from any thread
/// (sums the stripes; a concurrent Add() is either in it or not).
class ShardedCounter {
 public:
  void Add(uint64_t delta) {
    shards_[ThisThreadShard()].value.fetch_add(delta, std::memory_order_relaxed);
  }
  uint64_t Value() const {
    uint64_t total = 0;
    for (const Shard& shard : shards_) total += shard.value.load(std::memory_order_relaxed);
    return total;
  }

 private:
  struct alignas(64) Shard {
    std::atomic<uint64_t> value{0};
  };
  std::array<Shard, kShards> shards_;
};

/// A distribution of durations in fixed buckets, in Prometheus' shape:
/// cumulative bucket counts, a count and a sum (in seconds).
///
/// Ownership: a member of whatever measures. Threads: Observe() from any
/// thread (relaxed adds to this thread's stripe, no lock); Snapshot() from
/// any thread. A snapshot taken while observations land may count one in a
/// bucket and not yet in the sum; Prometheus tolerates that (it is how every
/// lock-free client behaves).
class ShardedHistogram {
 public:
  /// `upper_bounds` in seconds, strictly increasing; +Inf is implied.
  explicit ShardedHistogram(std::span<const double> upper_bounds);

  void ObserveNanos(int64_t nanos);

  struct Snapshot {
    std::vector<uint64_t> cumulative_counts;  // One per bound, then +Inf.
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  Snapshot Read() const;
  std::span<const double> upper_bounds() const { return upper_bounds_; }

 private:
  // Per stripe: one count per bucket (+Inf last), then the sum in nanoseconds;
  // each stripe starts on its own cache line.
  static constexpr size_t kCellsPerLine = 64 / sizeof(std::atomic<uint64_t>);
  struct alignas(64) Line {
    std::atomic<uint64_t> cells[kCellsPerLine] = {};
  };
  std::atomic<uint64_t>& Cell(size_t shard, size_t index) const {
    Line& line = lines_[shard * lines_per_stripe_ + index / kCellsPerLine];
    return line.cells[index % kCellsPerLine];
  }

  std::vector<double> upper_bounds_;
  std::vector<int64_t> upper_bounds_nanos_;
  size_t lines_per_stripe_;
  std::unique_ptr<Line[]> lines_;
};

}  // namespace sluice::metrics
