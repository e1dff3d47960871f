// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ActorCensus: how many stream and session actors are alive, so shutdown can
// wait until every one has ended before it stops the thread pools.

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sluice::actors {

/// Counts live actors by kind.
///
/// Ownership: owned by the engine; outlives every actor (the engine waits for
/// the count to reach zero). Threads: every method is thread-safe. A birth or
/// a death is one atomic add (every call has two of each); only a death that
/// leaves no actor alive while someone waits takes the lock, to wake them.
class ActorCensus {
 public:
  enum class Kind { kStream, kSession };

  void Born(Kind kind) { Count(kind).fetch_add(1, std::memory_order_relaxed); }
  void Died(Kind kind);
  int64_t alive(Kind kind) const { return Count(kind).load(std::memory_order_relaxed); }

  /// Waits until no actor is alive or `deadline` passes; true when none is.
  bool WaitUntilNone(std::chrono::steady_clock::time_point deadline) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  std::atomic<int64_t>& Count(Kind kind) { return kind == Kind::kStream ? streams_ : sessions_; }
  const std::atomic<int64_t>& Count(Kind kind) const {
    return kind == Kind::kStream ? streams_ : sessions_;
  }
  bool None() const {
    return streams_.load(std::memory_order_seq_cst) == 0 &&
           sessions_.load(std::memory_order_seq_cst) == 0;
  }

  std::atomic<int64_t> streams_{0};
  std::atomic<int64_t> sessions_{0};
  // Waiters announce themselves before they look at the counts, and a death
  // looks for waiters after its decrement (both sequentially consistent), so
  // the last death either is seen by the waiter's check or sees the waiter.
  mutable std::atomic<int> waiters_{0};
  mutable absl::Mutex mu_;
  mutable absl::CondVar none_alive_;
};

}  // namespace sluice::actors
