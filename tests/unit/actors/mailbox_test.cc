// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of Mailbox: the wake-up protocol, closing, FIFO order, and what an
// idle mailbox keeps.

#include "actors/mailbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <thread>
#include <utility>
#include <vector>

// Heap allocations made by this thread, counted by the replaced global
// operator new below (the test binary's own).
thread_local int64_t allocations_on_this_thread = 0;

void* operator new(size_t size) {
  ++allocations_on_this_thread;
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, size_t) noexcept { std::free(memory); }

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

// Emplace builds the message where it will be popped: never moved or copied.
TEST(MailboxTest, EmplaceBuildsTheMessageInTheBuffer) {
  struct Counted {
    explicit Counted(int v) : value(v) {}
    Counted() = default;
    Counted(Counted&& other) noexcept : value(other.value), moves(other.moves + 1) {}
    Counted& operator=(Counted&& other) noexcept {
      value = other.value;
      moves = other.moves + 1;
      return *this;
    }
    int value = 0;
    int moves = 0;
  };
  Mailbox<Counted> mailbox;
  EXPECT_EQ(mailbox.Emplace(7), PushResult::kOkWokeOwner);
  EXPECT_EQ(mailbox.Emplace(8), PushResult::kOk);
  Counted* front = mailbox.Front();
  ASSERT_NE(front, nullptr);
  EXPECT_EQ(front->value, 7);
  EXPECT_EQ(front->moves, 0);
  mailbox.Pop();
  front = mailbox.Front();
  ASSERT_NE(front, nullptr);
  EXPECT_EQ(front->value, 8);
  EXPECT_EQ(front->moves, 0);
  mailbox.Pop();
  EXPECT_EQ(mailbox.Front(), nullptr);
  EXPECT_FALSE(mailbox.EndTurn(2));
}

// Front() skips the lock once every counted message is popped; a message
// pushed after that is still found, in the same turn or the next.
TEST(MailboxTest, APushAfterTheLastPopIsFound) {
  Mailbox<int> mailbox;
  EXPECT_EQ(mailbox.Push(1), PushResult::kOkWokeOwner);
  int value = 0;
  ASSERT_TRUE(mailbox.TryPop(value));
  EXPECT_FALSE(mailbox.TryPop(value));
  EXPECT_EQ(mailbox.Push(2), PushResult::kOk);  // The owner is still running.
  ASSERT_TRUE(mailbox.TryPop(value));
  EXPECT_EQ(value, 2);
  EXPECT_FALSE(mailbox.EndTurn(2));
  EXPECT_EQ(mailbox.Push(3), PushResult::kOkWokeOwner);
  ASSERT_TRUE(mailbox.TryPop(value));
  EXPECT_EQ(value, 3);
  EXPECT_FALSE(mailbox.EndTurn(1));
}

// A mailbox's two buffers live inside it: an actor whose bursts fit (a
// unary call's: a message or two, and one its own turn sends itself) never
// allocates, however many turns it runs. A larger burst still queues.
TEST(MailboxTest, BurstsThatFitItsBuffersAllocateNothing) {
  struct Message {
    int64_t value = 0;
    char padding[56] = {};  // As large as a stream's message.
  };
  Mailbox<Message> mailbox;
  Message message;
  int64_t expected = 0;
  const int64_t allocations_before = allocations_on_this_thread;
  for (int64_t turn = 0; turn < 1000; ++turn) {
    // Two pushed while idle, one pushed by the owner's turn, then drained.
    ASSERT_EQ(mailbox.Push(Message{3 * turn}), PushResult::kOkWokeOwner);
    ASSERT_EQ(mailbox.Push(Message{3 * turn + 1}), PushResult::kOk);
    ASSERT_TRUE(mailbox.TryPop(message));
    ASSERT_EQ(mailbox.Push(Message{3 * turn + 2}), PushResult::kOk);
    for (int i = 1; i < 3; ++i) ASSERT_TRUE(mailbox.TryPop(message));
    ASSERT_FALSE(mailbox.EndTurn(3));
    expected = 3 * turn + 2;
  }
  EXPECT_EQ(message.value, expected);
  EXPECT_EQ(allocations_on_this_thread, allocations_before);

  // A burst of 100 goes to the heap, in order, and leaves the mailbox as
  // before: the next small bursts allocate nothing again.
  for (int64_t i = 0; i < 100; ++i) (void)mailbox.Push(Message{i});
  for (int64_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(mailbox.TryPop(message));
    ASSERT_EQ(message.value, i);
  }
  ASSERT_FALSE(mailbox.EndTurn(100));
  EXPECT_GT(allocations_on_this_thread, allocations_before);
  const int64_t after_burst = allocations_on_this_thread;
  for (int turn = 0; turn < 10; ++turn) {
    ASSERT_EQ(mailbox.Push(Message{turn}), PushResult::kOkWokeOwner);
    ASSERT_TRUE(mailbox.TryPop(message));
    ASSERT_FALSE(mailbox.EndTurn(1));
  }
  EXPECT_EQ(allocations_on_this_thread, after_burst);
}

// One logical sender that moves between threads, as an actor does from turn
// to turn: its messages arrive in the order it sent them.
TEST(MailboxTest, SenderMovingBetweenThreadsKeepsItsOrder) {
  Mailbox<int> mailbox;
  constexpr int kPerThread = 1000;
  for (int round = 0; round < 4; ++round) {
    std::thread sender([&, round] {
      for (int i = 0; i < kPerThread; ++i) (void)mailbox.Push(round * kPerThread + i);
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

// Concurrent senders: each one's messages stay in its order, none is lost,
// and exactly one push in each idle period wakes the owner.
TEST(MailboxTest, ConcurrentSendersLoseNothingAndKeepTheirOrder) {
  Mailbox<std::pair<int, int>> mailbox;
  constexpr int kSenders = 4;
  constexpr int kPerSender = 20000;
  std::atomic<int> wakes{0};
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      for (int i = 0; i < kPerSender; ++i) {
        if (mailbox.Push({s, i}) == PushResult::kOkWokeOwner) wakes.fetch_add(1);
      }
    });
  }
  std::vector<int> next(kSenders, 0);
  int received = 0;
  int turns = 0;
  // The owner: runs a turn whenever a push woke it, as Actor does.
  while (received < kSenders * kPerSender) {
    if (wakes.load() == turns) continue;  // Idle: wait for the next wake.
    ++turns;
    bool again = true;
    while (again) {
      int64_t consumed = 0;
      std::pair<int, int> message;
      while (mailbox.TryPop(message)) {
        ASSERT_EQ(message.second, next[message.first]) << "sender " << message.first;
        ++next[message.first];
        ++consumed;
      }
      received += static_cast<int>(consumed);
      again = mailbox.EndTurn(consumed);
    }
  }
  for (auto& sender : senders) sender.join();
  EXPECT_EQ(received, kSenders * kPerSender);
  EXPECT_EQ(wakes.load(), turns);  // No turn was asked for that found nothing owed.
  std::pair<int, int> message;
  EXPECT_FALSE(mailbox.TryPop(message));
}

// As in Actor::SendInline, each turn runs on whichever sender's push woke
// the owner, so consecutive turns run on different threads: they never
// overlap, and each sees the state the last one left (ThreadSanitizer checks
// the mailbox's own buffers here, which a turn hands to the next).
TEST(MailboxTest, TurnsRunOnWhicheverSenderWokeTheOwner) {
  Mailbox<std::pair<int, int>> mailbox;
  constexpr int kSenders = 4;
  constexpr int kPerSender = 20000;
  std::atomic<bool> in_turn{false};
  std::atomic<int> overlaps{0};
  std::vector<int> next(kSenders, 0);  // Owner-only: guarded by the turn protocol.
  int received = 0;                    // Likewise.
  int out_of_order = 0;                // Likewise.
  auto run_turn = [&] {
    if (in_turn.exchange(true)) overlaps.fetch_add(1);
    bool again = true;
    while (again) {
      int64_t consumed = 0;
      std::pair<int, int> message;
      while (mailbox.TryPop(message)) {
        if (message.second != next[message.first]) ++out_of_order;
        next[message.first] = message.second + 1;
        ++consumed;
      }
      received += static_cast<int>(consumed);
      in_turn.store(false);
      again = mailbox.EndTurn(consumed);
      if (again && in_turn.exchange(true)) overlaps.fetch_add(1);
    }
  };
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      for (int i = 0; i < kPerSender; ++i) {
        if (mailbox.Push({s, i}) == PushResult::kOkWokeOwner) run_turn();
      }
    });
  }
  for (auto& sender : senders) sender.join();
  // Every push that woke the owner ran its turn on its own thread, and all
  // those threads are joined: nothing is left, and every turn's writes are
  // visible here.
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(received, kSenders * kPerSender);
  std::pair<int, int> message;
  EXPECT_FALSE(mailbox.TryPop(message));
}

}  // namespace
}  // namespace sluice::actors
