// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/actor_census.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sluice::actors {

bool ActorCensus::WaitUntilNone(std::chrono::steady_clock::time_point deadline) const {
  const absl::Time until =
      absl::Now() + absl::FromChrono(deadline - std::chrono::steady_clock::now());
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithDeadline(absl::Condition(this, &ActorCensus::NoneLocked), until);
  return NoneLocked();
}

}  // namespace sluice::actors
