// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of AsioScheduler's thread policy: every pool thread runs under the
// policy asked for, before any work posted after construction.

#include "actors/scheduler.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <latch>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>

namespace sluice::actors {
namespace {

struct Observed {
  std::set<std::thread::id> threads;
  std::vector<int> policies;
};

// Posts `pool.threads()` tasks that each hold their thread until all have
// started, so every pool thread runs one, and records each thread's policy.
Observed PolicyOfEveryThread(AsioScheduler& pool) {
  Observed observed;
  std::mutex mu;
  std::latch all_started(pool.threads());
  std::latch all_done(pool.threads());
  for (uint32_t i = 0; i < pool.threads(); ++i) {
    boost::asio::post(pool.executor(), [&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        observed.threads.insert(std::this_thread::get_id());
        observed.policies.push_back(sched_getscheduler(0));
      }
      all_started.arrive_and_wait();
      all_done.count_down();
    });
  }
  all_done.wait();
  // Join so no task still touches the latches when they go out of scope.
  pool.Join();
  return observed;
}

TEST(AsioSchedulerTest, BatchPolicyIsSetOnEveryThread) {
  AsioScheduler pool(3, ThreadPolicy::kBatch);
  ASSERT_EQ(pool.policy_failures(), 0u)
      << "this kernel refuses SCHED_BATCH to an unprivileged thread";
  const Observed observed = PolicyOfEveryThread(pool);
  EXPECT_EQ(observed.threads.size(), 3u);
  ASSERT_EQ(observed.policies.size(), 3u);
  for (int policy : observed.policies) EXPECT_EQ(policy, SCHED_BATCH);
}

TEST(AsioSchedulerTest, NormalPolicyLeavesThreadsAlone) {
  AsioScheduler pool(2);
  EXPECT_EQ(pool.policy_failures(), 0u);
  const Observed observed = PolicyOfEveryThread(pool);
  EXPECT_EQ(observed.threads.size(), 2u);
  ASSERT_EQ(observed.policies.size(), 2u);
  for (int policy : observed.policies) EXPECT_EQ(policy, SCHED_OTHER);
}

TEST(AsioSchedulerTest, ZeroThreadsMeansOne) {
  AsioScheduler pool(0, ThreadPolicy::kBatch);
  EXPECT_EQ(pool.threads(), 1u);
  const Observed observed = PolicyOfEveryThread(pool);
  ASSERT_EQ(observed.policies.size(), 1u);
  EXPECT_EQ(observed.policies[0], SCHED_BATCH);
}

}  // namespace
}  // namespace sluice::actors
