// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/credit_gate.h"

#include <gtest/gtest.h>

namespace sluice::actors {
namespace {

TEST(CreditGateTest, AcquireStopsAtLimitAndReleaseReopens) {
  CreditGate gate(2);
  EXPECT_TRUE(gate.TryAcquire());
  EXPECT_TRUE(gate.TryAcquire());
  EXPECT_FALSE(gate.TryAcquire());
  EXPECT_FALSE(gate.available());
  gate.Release();
  EXPECT_TRUE(gate.available());
  EXPECT_EQ(gate.in_use(), 1u);
}

TEST(CreditGateTest, LoweredLimitTakesEffectAsWorkCompletes) {
  CreditGate gate(4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(gate.TryAcquire());
  gate.set_limit(2);
  gate.Release();
  EXPECT_FALSE(gate.TryAcquire());  // 3 in use > 2.
  gate.Release();
  gate.Release();
  EXPECT_TRUE(gate.TryAcquire());
}

TEST(CreditGateTest, ByteBudgetHoldsBackLargeRequestsNotSmallOnes) {
  CreditGate gate(/*limit=*/8, /*byte_limit=*/1000);
  EXPECT_TRUE(gate.TryAcquire(600));
  EXPECT_TRUE(gate.TryAcquire(300));  // 900 < 1000: one more may be read.
  EXPECT_TRUE(gate.TryAcquire(300));  // It may overshoot; then nothing more.
  EXPECT_FALSE(gate.available());
  EXPECT_FALSE(gate.TryAcquire(1));
  EXPECT_EQ(gate.bytes_in_use(), 1200u);
  gate.Release(600);
  EXPECT_TRUE(gate.available());
  EXPECT_EQ(gate.in_use(), 2u);
  EXPECT_EQ(gate.bytes_in_use(), 600u);
}

TEST(CreditGateTest, RequestLargerThanTheBudgetGetsThroughAlone) {
  CreditGate gate(/*limit=*/8, /*byte_limit=*/100);
  EXPECT_TRUE(gate.TryAcquire(5000));
  EXPECT_FALSE(gate.available());
  gate.Release(5000);
  EXPECT_TRUE(gate.available());
  EXPECT_EQ(gate.bytes_in_use(), 0u);
}

TEST(CreditGateTest, CountLimitsSmallRequestsUnderTheBudget) {
  CreditGate gate(/*limit=*/3, /*byte_limit=*/1 << 20);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(gate.TryAcquire(100));
  EXPECT_FALSE(gate.available());
}

TEST(CreditGateTest, ZeroByteLimitCountsBytesWithoutLimiting) {
  CreditGate gate(/*limit=*/2, /*byte_limit=*/0);
  EXPECT_TRUE(gate.TryAcquire(1u << 30));
  EXPECT_TRUE(gate.TryAcquire(1u << 30));
  EXPECT_FALSE(gate.available());
  EXPECT_EQ(gate.bytes_in_use(), uint64_t{2} << 30);
}

TEST(CreditGateTest, LoweredByteLimitTakesEffectAsWorkCompletes) {
  CreditGate gate(/*limit=*/8, /*byte_limit=*/1000);
  ASSERT_TRUE(gate.TryAcquire(400));
  ASSERT_TRUE(gate.TryAcquire(400));
  gate.set_byte_limit(500);
  EXPECT_FALSE(gate.available());  // 800 in flight >= 500.
  gate.Release(400);
  EXPECT_TRUE(gate.available());  // 400 < 500.
}

}  // namespace
}  // namespace sluice::actors
