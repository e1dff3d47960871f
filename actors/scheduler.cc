// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/scheduler.h"

#include <sched.h>

#include <atomic>
#include <latch>
#include <memory>

#include <boost/asio/post.hpp>

namespace sluice::actors {

namespace {

// Sets `policy` on the calling thread; false when the kernel refuses.
bool SetThisThreadPolicy(int policy) {
  sched_param param{};
  param.sched_priority = 0;  // The only priority SCHED_BATCH and SCHED_OTHER allow.
  return sched_setscheduler(0, policy, &param) == 0;  // 0: this thread (Linux).
}

}  // namespace

AsioScheduler::AsioScheduler(uint32_t threads, ThreadPolicy policy)
    : threads_(threads == 0 ? 1 : threads), pool_(threads_) {
  if (policy == ThreadPolicy::kNormal) return;
  // thread_pool has no per-thread start hook. Each of these tasks waits until
  // all of them have started, so each thread runs exactly one, and no actor
  // runs on the pool before every thread has its policy. The tasks share the
  // state, so it outlives a task still leaving the latch after we return.
  struct Start {
    explicit Start(uint32_t threads) : all_started(threads) {}
    std::latch all_started;
    std::atomic<uint32_t> failures{0};
  };
  auto start = std::make_shared<Start>(threads_);
  for (uint32_t i = 0; i < threads_; ++i) {
    boost::asio::post(pool_, [start] {
      if (!SetThisThreadPolicy(SCHED_BATCH)) {
        start->failures.fetch_add(1, std::memory_order_relaxed);
      }
      start->all_started.arrive_and_wait();
    });
  }
  start->all_started.wait();
  policy_failures_ = start->failures.load(std::memory_order_relaxed);
}

AsioScheduler::~AsioScheduler() { Join(); }

// thread_pool::join() waits for the pool to run out of work; we never call
// stop(), so handlers already posted (e.g. a final actor turn) still run.
void AsioScheduler::Join() { pool_.join(); }

}  // namespace sluice::actors
