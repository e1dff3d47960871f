// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/request_buffer.h"

#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace sluice::actors {
namespace {

RequestPtr Buffer(uint64_t sequence, size_t payload_bytes = 100) {
  auto buffer = std::make_unique<RequestBuffer>();
  buffer->message.set_sequence(sequence);
  buffer->message.set_payload(std::string(payload_bytes, 'p'));
  return buffer;
}

// Runs `body` on a new thread, whose cache starts empty.
template <typename Body>
void OnFreshThread(Body body) {
  std::thread thread(body);
  thread.join();
}

TEST(RequestListTest, PopsTheNewestFirstUnlinked) {
  RequestList list;
  for (uint64_t sequence = 1; sequence <= 3; ++sequence) list.Push(Buffer(sequence));
  for (uint64_t sequence = 3; sequence >= 1; --sequence) {
    RequestPtr buffer = list.Pop();
    ASSERT_NE(buffer, nullptr);
    EXPECT_EQ(buffer->message.sequence(), sequence);
    EXPECT_EQ(buffer->next, nullptr);
  }
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.Pop(), nullptr);
}

TEST(RequestBufferCacheTest, TakeReusesTheLastBufferRecycledOnItsThread) {
  OnFreshThread([] {
    RequestPtr spent = Buffer(7);
    const RequestBuffer* const address = spent.get();
    RequestBufferCache::Recycle(std::move(spent));
    EXPECT_EQ(RequestBufferCache::CachedOnThisThread(), 1u);
    RequestPtr reused = RequestBufferCache::Take();
    EXPECT_EQ(reused.get(), address);
    EXPECT_EQ(reused->next, nullptr);
    EXPECT_EQ(RequestBufferCache::CachedOnThisThread(), 0u);
  });
}

TEST(RequestBufferCacheTest, AThreadThatOnlyRecyclesFeedsOneThatOnlyTakes) {
  // As a session recycles on its thread and its stream's reads take on
  // another: the recycler's full cache overflows into the shared pool.
  std::set<const RequestBuffer*> recycled;
  OnFreshThread([&recycled] {
    for (uint64_t sequence = 1; sequence <= 3 * RequestBufferCache::kMaxBuffers; ++sequence) {
      RequestPtr buffer = Buffer(sequence);
      recycled.insert(buffer.get());
      RequestBufferCache::Recycle(std::move(buffer));
      EXPECT_LE(RequestBufferCache::CachedOnThisThread(), RequestBufferCache::kMaxBuffers);
    }
  });
  OnFreshThread([&recycled] {
    EXPECT_EQ(RequestBufferCache::CachedOnThisThread(), 0u);
    RequestPtr taken = RequestBufferCache::Take();
    EXPECT_TRUE(recycled.count(taken.get()) == 1) << "a new buffer, not a recycled one";
    // It took a batch at once: the next takes need no lock.
    EXPECT_GT(RequestBufferCache::CachedOnThisThread(), 0u);
  });
}

TEST(RequestBufferCacheTest, TakeMakesANewBufferWhenNoneIsCached) {
  OnFreshThread([] {
    // Drain what earlier tests left in the shared pool, then one more.
    std::vector<RequestPtr> taken;
    for (uint32_t i = 0; i <= RequestBufferCache::kMaxShared; ++i) {
      taken.push_back(RequestBufferCache::Take());
      ASSERT_NE(taken.back(), nullptr);
    }
    EXPECT_EQ(RequestBufferCache::CachedOnThisThread(), 0u);
  });
}

TEST(RequestBufferCacheTest, NeverKeepsALargePayloadOrNull) {
  OnFreshThread([] {
    RequestBufferCache::Recycle(Buffer(1, RequestBufferCache::kMaxPayloadCapacity + 1));
    RequestBufferCache::Recycle(nullptr);
    EXPECT_EQ(RequestBufferCache::CachedOnThisThread(), 0u);
    RequestBufferCache::Recycle(Buffer(2, RequestBufferCache::kMaxPayloadCapacity));
    EXPECT_EQ(RequestBufferCache::CachedOnThisThread(), 1u);
  });
}

TEST(RequestBufferCacheTest, AReusedBufferKeepsItsPayloadMemoryButNotItsFields) {
  // What the reuse is for: parsing a request into a spent buffer clears it,
  // fields the new request leaves unset included, but keeps the payload's
  // allocation.
  RequestPtr buffer = Buffer(1, 100);
  (*buffer->message.mutable_parameters())["timestamp"] = "5";
  buffer->message.set_model("sensors");
  const char* const payload_memory = buffer->message.payload().data();
  const std::string wire = Buffer(2, 80)->message.SerializeAsString();
  ASSERT_TRUE(buffer->message.ParseFromString(wire));
  EXPECT_EQ(buffer->message.sequence(), 2u);
  EXPECT_TRUE(buffer->message.parameters().empty());
  EXPECT_TRUE(buffer->message.model().empty());
  EXPECT_EQ(buffer->message.payload(), std::string(80, 'p'));
  EXPECT_EQ(buffer->message.payload().data(), payload_memory);
}

}  // namespace
}  // namespace sluice::actors
