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
  EXPECT_FALSE(gate.available());  // 600 is under the budget, but not half of it.
  gate.Release(300);
  EXPECT_TRUE(gate.available());  // 300 <= 500.
  EXPECT_EQ(gate.in_use(), 1u);
  EXPECT_EQ(gate.bytes_in_use(), 300u);
}

TEST(CreditGateTest, ClosedGateReopensWhenHalfTheCreditsAreBack) {
  CreditGate gate(/*limit=*/8);
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(gate.TryAcquire());
  EXPECT_FALSE(gate.available());
  for (int i = 0; i < 3; ++i) gate.Release();
  EXPECT_FALSE(gate.available());  // 5 in use: under the limit, not yet half free.
  gate.Release();
  EXPECT_TRUE(gate.available());  // 4 in use.
  // Open again, it reads up to the limit as before.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(gate.TryAcquire());
  EXPECT_FALSE(gate.available());
}

TEST(CreditGateTest, OpenGateStaysOpenAsCreditsComeAndGo) {
  CreditGate gate(/*limit=*/8);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(gate.TryAcquire());
  gate.Release();
  EXPECT_TRUE(gate.TryAcquire());  // Never closed: 6 in use < 8.
  EXPECT_TRUE(gate.TryAcquire());  // 7 < 8.
  EXPECT_FALSE(gate.available());  // 8: closed now.
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
  EXPECT_FALSE(gate.available());  // 400 < 500, but more than half of it.
  gate.Release(400);
  EXPECT_TRUE(gate.available());
}

TEST(CreditGateTest, RaisedLimitReopensAClosedGate) {
  CreditGate gate(/*limit=*/2);
  ASSERT_TRUE(gate.TryAcquire());
  ASSERT_TRUE(gate.TryAcquire());
  EXPECT_FALSE(gate.available());
  gate.set_limit(8);  // 2 in use is at most half of 8.
  EXPECT_TRUE(gate.available());
}

}  // namespace
}  // namespace sluice::actors
