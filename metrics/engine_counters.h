// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// EngineCounters: the engine's own counters, shared by every actor.

#pragma once

#include <atomic>
#include <cstdint>

namespace sluice::metrics {

/// Process-wide counters of one engine.
///
/// Ownership: owned by the engine; actors hold a pointer and must not outlive it.
/// Threads: every method is thread-safe. All operations are relaxed: these are
/// statistics, read for reporting, and order nothing else. Hot per-message
/// counts are batched by the caller (see StreamActor) so this stays off the
/// per-message path.
class EngineCounters {
 public:
  void Add(std::atomic<int64_t>& counter, int64_t delta) {
    counter.fetch_add(delta, std::memory_order_relaxed);
  }
  static void RaiseTo(std::atomic<int64_t>& peak, int64_t value) {
    int64_t seen = peak.load(std::memory_order_relaxed);
    while (seen < value && !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
  }
  static int64_t Read(const std::atomic<int64_t>& counter) {
    return counter.load(std::memory_order_relaxed);
  }

  std::atomic<int64_t> streams_started{0};
  std::atomic<int64_t> streams_finished{0};
  std::atomic<int64_t> messages_received{0};
  std::atomic<int64_t> messages_sent{0};
  std::atomic<int64_t> error_responses{0};
  std::atomic<int64_t> sessions_cancelled{0};
  std::atomic<int64_t> outbound_window_peak{0};
  std::atomic<int64_t> credits_in_use_peak{0};
  // Resumable sessions (docs/resilience.md).
  std::atomic<int64_t> sessions_detached{0};
  std::atomic<int64_t> sessions_resumed{0};
  std::atomic<int64_t> sessions_evicted{0};
  std::atomic<int64_t> requests_deduplicated{0};
};

}  // namespace sluice::metrics
