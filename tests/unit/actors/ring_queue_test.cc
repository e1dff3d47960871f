// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of RingQueue: FIFO order through wrap-around and growth, when it
// allocates and frees, and that every element is destroyed exactly once.

#include "actors/ring_queue.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace sluice::actors {
namespace {

TEST(RingQueueTest, AllocatesNothingUntilTheFirstPush) {
  RingQueue<std::string> queue;
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.capacity(), 0u);
  queue.push_back("first");
  EXPECT_GT(queue.capacity(), 0u);
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue.front(), "first");
}

TEST(RingQueueTest, KeepsOrderWhenItWrapsAndWhenItGrowsWrapped) {
  RingQueue<int> queue;
  std::vector<int> popped;
  int next = 0;
  // Two in, one out, many times: the head walks round the ring while the
  // queue grows, so growth happens with the contents wrapped.
  for (int round = 0; round < 100; ++round) {
    queue.push_back(next++);
    queue.push_back(next++);
    popped.push_back(queue.front());
    queue.pop_front();
  }
  while (!queue.empty()) {
    popped.push_back(queue.front());
    queue.pop_front();
  }
  ASSERT_EQ(popped.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(popped[i], i) << "at " << i;
}

TEST(RingQueueTest, PopDestroysTheElementAtOnce) {
  RingQueue<std::shared_ptr<int>> queue;
  auto held = std::make_shared<int>(7);
  queue.push_back(std::shared_ptr<int>(held));
  queue.push_back(std::make_shared<int>(8));
  EXPECT_EQ(held.use_count(), 2);
  queue.pop_front();
  EXPECT_EQ(held.use_count(), 1);
  EXPECT_EQ(*queue.front(), 8);
}

TEST(RingQueueTest, EmplaceBuildsTheElementInPlace) {
  struct Work {
    bool flag;
    std::string text;
    int number;
  };
  RingQueue<Work> queue;
  Work& work = queue.emplace_back(true, "reading", 3);
  EXPECT_TRUE(work.flag);
  EXPECT_EQ(work.text, "reading");
  EXPECT_EQ(queue.front().number, 3);
}

TEST(RingQueueTest, EmptiedRingIsKeptWhenSmallAndFreedWhenLarge) {
  RingQueue<int> small;
  small.push_back(1);
  small.pop_front();
  EXPECT_GT(small.capacity(), 0u) << "a small ring is kept for the next push";

  using Big = std::array<char, 512>;
  RingQueue<Big> burst;
  for (int i = 0; i < 8; ++i) burst.push_back(Big{});
  EXPECT_GE(burst.capacity(), 8u);
  while (!burst.empty()) burst.pop_front();
  EXPECT_EQ(burst.capacity(), 0u) << "a burst's ring is not kept while idle";
  burst.push_back(Big{});  // And it still works afterwards.
  EXPECT_EQ(burst.size(), 1u);
}

TEST(RingQueueTest, ClearAndDestructionDestroyEveryElement) {
  auto held = std::make_shared<int>(1);
  {
    RingQueue<std::shared_ptr<int>> queue;
    for (int i = 0; i < 5; ++i) queue.push_back(std::shared_ptr<int>(held));
    EXPECT_EQ(held.use_count(), 6);
    queue.clear();
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(held.use_count(), 1);
    for (int i = 0; i < 3; ++i) queue.push_back(std::shared_ptr<int>(held));
    EXPECT_EQ(held.use_count(), 4);
  }
  EXPECT_EQ(held.use_count(), 1);
}

}  // namespace
}  // namespace sluice::actors
