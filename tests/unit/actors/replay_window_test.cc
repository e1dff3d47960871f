// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/replay_window.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::actors {
namespace {

using ::testing::HasSubstr;
using Clock = ReplayWindow::Clock;

v1::InferResponse Response(uint64_t sequence, size_t payload_bytes = 8) {
  v1::InferResponse response;
  response.set_sequence(sequence);
  response.set_payload(std::string(payload_bytes, 'p'));
  return response;
}

TEST(ReplayWindowTest, KeepsTheNewestWithinTheMessageLimit) {
  ReplayWindow window(ReplayLimits{.max_messages = 3});
  const auto now = Clock::now();
  for (uint64_t sequence = 1; sequence <= 5; ++sequence) window.Add(Response(sequence), now);
  EXPECT_EQ(window.size(), 3u);
  EXPECT_EQ(window.first_sequence(), 3u);
  EXPECT_EQ(window.last_sequence(), 5u);
  EXPECT_EQ(window.Find(2), nullptr);
  ASSERT_NE(window.Find(4), nullptr);
  EXPECT_EQ(window.Find(4)->sequence(), 4u);
  EXPECT_EQ(window.Find(6), nullptr);
}

TEST(ReplayWindowTest, KeepsTheNewestWithinTheByteLimit) {
  const uint64_t one = Response(1, 100).ByteSizeLong();
  ReplayWindow window(ReplayLimits{.max_bytes = 2 * one});
  const auto now = Clock::now();
  for (uint64_t sequence = 1; sequence <= 4; ++sequence) window.Add(Response(sequence, 100), now);
  EXPECT_EQ(window.size(), 2u);
  EXPECT_EQ(window.bytes(), 2 * one);
  EXPECT_EQ(window.first_sequence(), 3u);
}

TEST(ReplayWindowTest, ExpiresResponsesOlderThanTheAgeLimit) {
  ReplayWindow window(ReplayLimits{.max_age = std::chrono::seconds(10)});
  const auto start = Clock::now();
  window.Add(Response(1), start);
  window.Add(Response(2), start + std::chrono::seconds(5));
  window.Expire(start + std::chrono::seconds(12));
  EXPECT_EQ(window.size(), 1u);
  EXPECT_EQ(window.first_sequence(), 2u);
  window.Expire(start + std::chrono::seconds(16));
  EXPECT_EQ(window.size(), 0u);
  EXPECT_EQ(window.bytes(), 0u);
}

TEST(ReplayWindowTest, ResumableOnlyWhenEveryMissedResponseIsHeld) {
  ReplayWindow window(ReplayLimits{.max_messages = 4});
  const auto now = Clock::now();
  for (uint64_t sequence = 1; sequence <= 10; ++sequence) window.Add(Response(sequence), now);
  // Holds 7..10.
  EXPECT_TRUE(window.CheckResumable(6, 10).ok());
  EXPECT_TRUE(window.CheckResumable(9, 10).ok());
  EXPECT_TRUE(window.CheckResumable(10, 10).ok());  // Nothing missed.
  const absl::Status lost = window.CheckResumable(5, 10);
  EXPECT_EQ(lost.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(lost.message(), HasSubstr("holds responses 7 to 10"));
  EXPECT_THAT(lost.message(), HasSubstr("responses 6 onward are lost"));
  const absl::Status ahead = window.CheckResumable(11, 10);
  EXPECT_EQ(ahead.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(ahead.message(), HasSubstr("has sent only up to 10"));
}

TEST(ReplayWindowTest, AnEmptyWindowResumesOnlyAClientThatMissedNothing) {
  ReplayWindow window(ReplayLimits{.max_messages = 0});
  window.Add(Response(1), Clock::now());
  EXPECT_EQ(window.size(), 0u);
  EXPECT_TRUE(window.CheckResumable(1, 1).ok());
  EXPECT_THAT(window.CheckResumable(0, 1).message(), HasSubstr("holds no responses"));
}

}  // namespace
}  // namespace sluice::actors
