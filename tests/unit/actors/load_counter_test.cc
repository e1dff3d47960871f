// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// LoadCounter: refuses exactly at its limit, and counts without limit at 0.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>

#include "actors/admission.h"

namespace sluice::actors {
namespace {

TEST(LoadCounterTest, RefusesAtTheLimitAndAgainAfterARelease) {
  std::atomic<uint32_t> load{0};
  EXPECT_TRUE(LoadCounter::TryAcquire(load, 2));
  EXPECT_TRUE(LoadCounter::TryAcquire(load, 2));
  EXPECT_FALSE(LoadCounter::TryAcquire(load, 2));
  EXPECT_EQ(load.load(), 2u);  // A refusal counts nothing.
  LoadCounter::Release(load);
  EXPECT_TRUE(LoadCounter::TryAcquire(load, 2));
}

// A live config change may turn a limit off while streams count in it: they
// keep counting, so every release still has its acquire.
TEST(LoadCounterTest, ZeroLimitCountsWithoutRefusing) {
  std::atomic<uint32_t> load{5};
  EXPECT_TRUE(LoadCounter::TryAcquire(load, 0));
  EXPECT_EQ(load.load(), 6u);
  EXPECT_FALSE(LoadCounter::TryAcquire(load, 6));
}

}  // namespace
}  // namespace sluice::actors
