// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/scheduler.h"

namespace sluice::actors {

AsioScheduler::AsioScheduler(uint32_t threads)
    : threads_(threads == 0 ? 1 : threads), pool_(threads_) {}

AsioScheduler::~AsioScheduler() { Join(); }

// thread_pool::join() waits for the pool to run out of work; we never call
// stop(), so handlers already posted (e.g. a final actor turn) still run.
void AsioScheduler::Join() { pool_.join(); }

}  // namespace sluice::actors
