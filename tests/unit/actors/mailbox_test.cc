// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of Mailbox: the wake-up protocol, closing, and FIFO with tokens.

#include "actors/mailbox.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace sluice::actors {
namespace {

TEST(MailboxTest, FirstPushIntoIdleMailboxWakesOwnerOnce) {
  Mailbox<int> mailbox;
  EXPECT_EQ(mailbox.Push(1), PushResult::kOkWokeOwner);
  EXPECT_EQ(mailbox.Push(2), PushResult::kOk);
  int value = 0;
  ASSERT_TRUE(mailbox.TryPop(value));
  EXPECT_EQ(value, 1);
  // One consumed, one still pending: the owner must run again.
  EXPECT_TRUE(mailbox.EndTurn(1));
  ASSERT_TRUE(mailbox.TryPop(value));
  EXPECT_EQ(value, 2);
  EXPECT_FALSE(mailbox.EndTurn(1));
  // Idle again: the next push wakes the owner again.
  EXPECT_EQ(mailbox.Push(3), PushResult::kOkWokeOwner);
}

TEST(MailboxTest, ClosedMailboxRejectsPush) {
  Mailbox<int> mailbox;
  EXPECT_EQ(mailbox.Push(1), PushResult::kOkWokeOwner);
  mailbox.Close();
  EXPECT_EQ(mailbox.Push(2), PushResult::kClosed);
  int value = 0;
  ASSERT_TRUE(mailbox.TryPop(value));  // Queued before Close: still delivered.
  EXPECT_EQ(value, 1);
  EXPECT_FALSE(mailbox.TryPop(value));
}

TEST(MailboxTest, TokenKeepsOrderAcrossThreads) {
  Mailbox<int> mailbox;
  auto token = mailbox.MakeProducerToken();
  constexpr int kPerThread = 1000;
  // One logical sender that moves between threads, like an actor does.
  for (int round = 0; round < 4; ++round) {
    std::thread sender([&, round] {
      for (int i = 0; i < kPerThread; ++i) (void)mailbox.Push(token, round * kPerThread + i);
    });
    sender.join();
  }
  int expected = 0;
  int value = 0;
  while (mailbox.TryPop(value)) {
    ASSERT_EQ(value, expected);
    ++expected;
  }
  EXPECT_EQ(expected, 4 * kPerThread);
}

}  // namespace
}  // namespace sluice::actors
