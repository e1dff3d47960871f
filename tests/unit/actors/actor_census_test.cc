// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/actor_census.h"

#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace sluice::actors {
namespace {

using Kind = ActorCensus::Kind;

TEST(ActorCensusTest, CountsBirthsAndDeathsByKind) {
  ActorCensus census;
  census.Born(Kind::kStream);
  census.Born(Kind::kStream);
  census.Born(Kind::kSession);
  census.Died(Kind::kStream);
  EXPECT_EQ(census.alive(Kind::kStream), 1);
  EXPECT_EQ(census.alive(Kind::kSession), 1);
}

TEST(ActorCensusTest, WaitGivesUpAtItsDeadlineWhileAnActorLives) {
  ActorCensus census;
  census.Born(Kind::kSession);
  EXPECT_FALSE(census.WaitUntilNone(std::chrono::steady_clock::now()));
  census.Died(Kind::kSession);
  EXPECT_TRUE(census.WaitUntilNone(std::chrono::steady_clock::now()));
}

// Actors die on other threads while the census is waited on: the last death
// must wake the waiter (the deadline is far beyond any test's timeout, so a
// lost wake-up shows as a hang, not as a slow pass).
TEST(ActorCensusTest, TheLastDeathOnAnyThreadWakesTheWaiter) {
  for (int round = 0; round < 200; ++round) {
    ActorCensus census;
    constexpr int kThreads = 4;
    constexpr int kActorsPerThread = 50;
    for (int i = 0; i < kThreads * kActorsPerThread; ++i) {
      census.Born(i % 2 == 0 ? Kind::kStream : Kind::kSession);
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&census, t] {
        for (int i = 0; i < kActorsPerThread; ++i) {
          census.Died((t * kActorsPerThread + i) % 2 == 0 ? Kind::kStream : Kind::kSession);
        }
      });
    }
    EXPECT_TRUE(census.WaitUntilNone(std::chrono::steady_clock::now() + std::chrono::hours(1)));
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(census.alive(Kind::kStream), 0);
    EXPECT_EQ(census.alive(Kind::kSession), 0);
  }
}

}  // namespace
}  // namespace sluice::actors
