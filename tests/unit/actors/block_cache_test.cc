// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of BlockCache and its two front ends: blocks come back to the thread
// that freed them, cross to other threads through the shared pool, and
// what is kept stays bounded. Each test uses a block size of its own, so
// the caches of one test start empty.

#include "actors/block_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <thread>
#include <vector>

namespace sluice::actors {
namespace {

#define SKIP_WITHOUT_KEPT_BLOCKS()                                \
  if (!internal::kKeepBlocks) {                                   \
    GTEST_SKIP() << "sanitizer builds keep no blocks, by design"; \
  }

TEST(BlockCacheTest, AFreedBlockIsTheNextOneAllocatedOnItsThread) {
  SKIP_WITHOUT_KEPT_BLOCKS();
  using Cache = BlockCache<40>;
  void* first = Cache::Allocate();
  Cache::Free(first);
  EXPECT_EQ(Cache::KeptOnThisThread(), 1u);
  void* second = Cache::Allocate();
  EXPECT_EQ(second, first);
  EXPECT_EQ(Cache::KeptOnThisThread(), 0u);
  Cache::Free(second);
}

// The shape of a call: one thread allocates, another frees. The freeing
// thread's surplus goes to the shared pool, and the allocating thread's
// next blocks come from there, not from the heap.
TEST(BlockCacheTest, BlocksFreedOnOneThreadServeAnother) {
  SKIP_WITHOUT_KEPT_BLOCKS();
  using Cache = BlockCache<48>;
  constexpr uint32_t kBlocks = 4 * Cache::kMaxPerThread;
  std::vector<void*> blocks;
  for (uint32_t i = 0; i < kBlocks; ++i) blocks.push_back(Cache::Allocate());
  const std::set<void*> freed(blocks.begin(), blocks.end());
  std::thread freer([&] {
    for (void* block : blocks) Cache::Free(block);
    // Its own list stays within bounds; the rest went to the pool (or heap).
    EXPECT_LE(Cache::KeptOnThisThread(), Cache::kMaxPerThread);
  });
  freer.join();
  std::vector<void*> reused;
  for (uint32_t i = 0; i < Cache::kBatch; ++i) reused.push_back(Cache::Allocate());
  for (void* block : reused) {
    EXPECT_TRUE(freed.count(block) == 1) << "block " << block << " came from the heap";
  }
  for (void* block : reused) Cache::Free(block);
}

TEST(BlockCacheTest, KeepsAtMostItsBoundsAndFreesTheRest) {
  SKIP_WITHOUT_KEPT_BLOCKS();
  using Cache = BlockCache<56>;
  constexpr uint32_t kBlocks = 2 * (Cache::kMaxPerThread + Cache::kMaxShared);
  std::vector<void*> blocks;
  for (uint32_t i = 0; i < kBlocks; ++i) blocks.push_back(Cache::Allocate());
  for (void* block : blocks) Cache::Free(block);
  EXPECT_LE(Cache::KeptOnThisThread(), Cache::kMaxPerThread);
  // What this thread can get back without the heap: its own and the pool's.
  std::set<void*> kept;
  const std::set<void*> freed(blocks.begin(), blocks.end());
  std::vector<void*> again;
  for (uint32_t i = 0; i < Cache::kMaxPerThread + Cache::kMaxShared; ++i) {
    again.push_back(Cache::Allocate());
    if (freed.count(again.back()) == 1) kept.insert(again.back());
  }
  EXPECT_EQ(kept.size(), Cache::kMaxPerThread + Cache::kMaxShared);
  for (void* block : again) Cache::Free(block);
}

struct Pair {
  int64_t first = 1;
  int64_t second = 2;
};

TEST(BlockCacheTest, AllocateSharedReusesTheBlockOfTheLastOneFreed) {
  SKIP_WITHOUT_KEPT_BLOCKS();
  auto first = std::allocate_shared<Pair>(BlockCacheAllocator<Pair>());
  const Pair* first_address = first.get();
  first.reset();
  auto second = std::allocate_shared<Pair>(BlockCacheAllocator<Pair>());
  EXPECT_EQ(second.get(), first_address);
  EXPECT_EQ(second->first, 1);
  EXPECT_EQ(second->second, 2);
}

class Cached final : public AllocatedFromBlockCache<Cached> {
 public:
  explicit Cached(int value) : value_(value) {}
  int value() const { return value_; }

 private:
  int value_;
  char padding_[60] = {};
};

TEST(BlockCacheTest, NewAndDeleteOfAClassGoThroughItsCache) {
  SKIP_WITHOUT_KEPT_BLOCKS();
  auto* first = new Cached(7);
  void* first_address = first;
  delete first;
  EXPECT_EQ(BlockCache<sizeof(Cached)>::KeptOnThisThread(), 1u);
  auto* second = new Cached(8);
  EXPECT_EQ(static_cast<void*>(second), first_address);
  EXPECT_EQ(second->value(), 8);
  delete second;
}

}  // namespace
}  // namespace sluice::actors
