// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// SensorTally on its own: the `sensors` model's work, which the bare bench servers
// run too. The model's tests (sensors_model_test.cc) cover the messages per field.

#include "engine/models/sensor_tally.h"

#include <string>

#include <gtest/gtest.h>

namespace sluice::models {
namespace {

TEST(SensorTallyTest, SummarizesPerSensorSortedById) {
  SensorTally tally;
  ASSERT_TRUE(tally.Add("b-2,10,20.5,40,1000,0.5").ok());
  ASSERT_TRUE(tally.Add("a-1,11,18,41,1001,0.25\n").ok());
  ASSERT_TRUE(tally.Add(" b-2 ,12,21.5,42,1002,1.5").ok());
  EXPECT_EQ(tally.count(), 3u);
  EXPECT_EQ(tally.sensors(), 2u);
  std::string summaries;
  tally.AppendSummaries(&summaries);
  EXPECT_EQ(summaries,
            "{\"sensor_id\":\"a-1\",\"count\":1,\"time_min\":11,\"time_max\":11,"
            "\"temperature\":{\"min\":18,\"max\":18,\"mean\":18},"
            "\"humidity\":{\"min\":41,\"max\":41,\"mean\":41},"
            "\"pressure\":{\"min\":1001,\"max\":1001,\"mean\":1001},"
            "\"vibration\":{\"min\":0.25,\"max\":0.25,\"mean\":0.25}}\n"
            "{\"sensor_id\":\"b-2\",\"count\":2,\"time_min\":10,\"time_max\":12,"
            "\"temperature\":{\"min\":20.5,\"max\":21.5,\"mean\":21},"
            "\"humidity\":{\"min\":40,\"max\":42,\"mean\":41},"
            "\"pressure\":{\"min\":1000,\"max\":1002,\"mean\":1001},"
            "\"vibration\":{\"min\":0.5,\"max\":1.5,\"mean\":1}}\n");
}

TEST(SensorTallyTest, ARejectedReadingAddsNothing) {
  SensorTally tally;
  ASSERT_TRUE(tally.Add("s,1,2,3,4,5").ok());
  const absl::Status bad = tally.Add("t,1,2,3,4,x");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("'vibration'"), absl::string_view::npos) << bad.message();
  EXPECT_EQ(tally.Add("s,1,2,3").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tally.count(), 1u);
  EXPECT_EQ(tally.sensors(), 1u);
}

TEST(SensorTallyTest, OneSensorTooManyIsRefusedAndTheOthersStillCount) {
  SensorTally tally;
  for (size_t i = 0; i < SensorTally::kMaxSensors; ++i) {
    ASSERT_TRUE(tally.Add("s" + std::to_string(i) + ",1,2,3,4,5").ok());
  }
  EXPECT_EQ(tally.Add("one-more,1,2,3,4,5").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(tally.Add("s0,1,2,3,4,5").ok());
  EXPECT_EQ(tally.sensors(), SensorTally::kMaxSensors);
  EXPECT_EQ(tally.count(), SensorTally::kMaxSensors + 1);
}

}  // namespace
}  // namespace sluice::models
