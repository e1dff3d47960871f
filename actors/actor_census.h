// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ActorCensus: how many stream and session actors are alive, so shutdown can
// wait until every one has ended before it stops the thread pools.

#pragma once

#include <chrono>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sluice::actors {

/// Counts live actors by kind.
///
/// Ownership: owned by the engine; outlives every actor (the engine waits for
/// the count to reach zero). Threads: every method is thread-safe. The lock is
/// taken once when an actor is born and once when it dies, never per message.
class ActorCensus {
 public:
  enum class Kind { kStream, kSession };

  void Born(Kind kind) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    ++Count(kind);
  }
  void Died(Kind kind) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    --Count(kind);
  }
  int64_t alive(Kind kind) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return kind == Kind::kStream ? streams_ : sessions_;
  }

  /// Waits until no actor is alive or `deadline` passes; true when none is.
  bool WaitUntilNone(std::chrono::steady_clock::time_point deadline) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  int64_t& Count(Kind kind) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return kind == Kind::kStream ? streams_ : sessions_;
  }
  bool NoneLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return streams_ == 0 && sessions_ == 0;
  }

  mutable absl::Mutex mu_;
  int64_t streams_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t sessions_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sluice::actors
