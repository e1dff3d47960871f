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

}  // namespace
}  // namespace sluice::actors
