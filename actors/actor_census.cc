// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/actor_census.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sluice::actors {

void ActorCensus::Died(Kind kind) {
  Count(kind).fetch_sub(1, std::memory_order_seq_cst);
  if (waiters_.load(std::memory_order_seq_cst) == 0 || !None()) return;
  // Under the lock: a waiter that saw actors alive holds it until it waits,
  // so the signal cannot fall between its check and its wait.
  absl::MutexLock lock(&mu_);
  none_alive_.SignalAll();
}

bool ActorCensus::WaitUntilNone(std::chrono::steady_clock::time_point deadline) const {
  const absl::Time until =
      absl::Now() + absl::FromChrono(deadline - std::chrono::steady_clock::now());
  absl::MutexLock lock(&mu_);
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  while (!None()) {
    if (none_alive_.WaitWithDeadline(&mu_, until)) break;  // Timed out.
  }
  waiters_.fetch_sub(1, std::memory_order_seq_cst);
  return None();
}

}  // namespace sluice::actors
