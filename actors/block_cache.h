// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// BlockCache: freed memory blocks of one size, kept for reuse by any thread;
// for the objects every call allocates on one thread and frees on another.

#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#include "actors/spin_lock.h"

namespace sluice::actors {

namespace internal {

// Blocks linked through their own first bytes.
struct FreeBlocks {
  struct Link {
    Link* next;
  };
  Link* head = nullptr;
  uint32_t size = 0;

  void Push(void* block) {
    auto* link = static_cast<Link*>(block);
    link->next = head;
    head = link;
    ++size;
  }
  void* Pop() {
    Link* link = head;
    if (link == nullptr) return nullptr;
    head = link->next;
    --size;
    return link;
  }
};

// Moves up to `count` blocks from `from` to `to`; returns how many.
inline uint32_t MoveBlocks(FreeBlocks& from, FreeBlocks& to, uint32_t count) {
  uint32_t moved = 0;
  for (; moved < count; ++moved) {
    void* block = from.Pop();
    if (block == nullptr) break;
    to.Push(block);
  }
  return moved;
}

// ASan must see each object's memory freed and allocated, to catch a use
// after free: under it, no block is kept. (ThreadSanitizer sees the blocks
// change threads through the shared pool's lock, so it checks the cache too.)
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kKeepBlocks = false;
#else
inline constexpr bool kKeepBlocks = true;
#endif

}  // namespace internal

/// Freed blocks of kBytes bytes, kept for reuse: a small cache per thread,
/// and a shared pool between them.
///
/// Why: a call's reactor, its stream actor and the port between them are
/// allocated on the gRPC thread that takes the call and freed on the pool
/// thread that finishes it. glibc's per-thread cache never gets such a block
/// back on the thread that wants one, so each allocation and each free goes
/// through the arena's bins, and the free through the arena's lock: the
/// three cost a unary call about 1,000 instructions more than this cache
/// does (counted, docs/benchmarks.md). Here a block costs
/// a push and a pop on the thread's own list; a thread whose list fills
/// passes half of it to the shared pool, and a thread whose list is empty
/// takes that many back, under one lock per kBatch blocks (the shape of
/// RequestBufferCache, for raw memory).
///
/// Bounds: kMaxPerThread blocks per thread and kMaxShared in the shared
/// pool, so what is kept does not grow with the number of streams. A
/// thread's blocks are freed when it exits.
/// Threads: any.
template <size_t kBytes>
class BlockCache {
 public:
  static constexpr uint32_t kMaxPerThread = 32;
  static constexpr uint32_t kBatch = kMaxPerThread / 2;
  static constexpr uint32_t kMaxShared = 256;

  /// A block of kBytes bytes, aligned as operator new aligns.
  static void* Allocate() {
    ThreadCache& cache = local_;
    if (cache.blocks.size == 0 && internal::kKeepBlocks && !cache.exited) Refill(cache);
    if (void* block = cache.blocks.Pop()) return block;
    return ::operator new(kBytes);
  }

  /// Takes back a block from Allocate() (of any thread).
  static void Free(void* block) {
    ThreadCache& cache = local_;
    if (!internal::kKeepBlocks || cache.exited) {
      ::operator delete(block);
      return;
    }
    if (cache.blocks.size == kMaxPerThread) Spill(cache);
    if (cache.blocks.size == kMaxPerThread) {
      ::operator delete(block);  // Everything is full.
      return;
    }
    if (!cache.registered) Register(cache);
    cache.blocks.Push(block);
  }

  /// Blocks kept by this thread now (for tests).
  static uint32_t KeptOnThisThread() { return local_.blocks.size; }

 private:
  static_assert(kBytes >= sizeof(internal::FreeBlocks::Link));

  // Trivially destructible, so that a block freed late in a thread's exit
  // (after the flush below) still finds it: `exited` then says to free it.
  struct ThreadCache {
    internal::FreeBlocks blocks;
    bool registered = false;
    bool exited = false;
  };
  // Frees the thread's blocks when the thread exits.
  struct ExitFlush {
    ~ExitFlush() {
      ThreadCache& cache = local_;
      cache.exited = true;
      while (void* block = cache.blocks.Pop()) ::operator delete(block);
    }
  };
  struct SharedPool {
    SpinLock lock;
    internal::FreeBlocks blocks;    // Guarded by lock.
    std::atomic<uint32_t> size{0};  // Written under lock; read without it to skip an empty pool.
  };

  static void Register(ThreadCache& cache) {
    thread_local ExitFlush flush;
    cache.registered = true;
  }

  static void Refill(ThreadCache& cache) {
    SharedPool& shared = Shared();
    if (shared.size.load(std::memory_order_relaxed) == 0) return;
    std::lock_guard<SpinLock> lock(shared.lock);
    internal::MoveBlocks(shared.blocks, cache.blocks, kBatch);
    shared.size.store(shared.blocks.size, std::memory_order_relaxed);
  }

  static void Spill(ThreadCache& cache) {
    SharedPool& shared = Shared();
    std::lock_guard<SpinLock> lock(shared.lock);
    const uint32_t room = kMaxShared - shared.blocks.size;
    internal::MoveBlocks(cache.blocks, shared.blocks, room < kBatch ? room : kBatch);
    shared.size.store(shared.blocks.size, std::memory_order_relaxed);
  }

  // Never destroyed: a thread may free blocks while statics are destroyed.
  static SharedPool& Shared() {
    static SharedPool* const pool = new SharedPool();
    return *pool;
  }

  static inline thread_local ThreadCache local_;
};

/// A std::allocator that takes single objects from a BlockCache of their
/// size: for std::allocate_shared, whose one allocation holds the object and
/// its reference counts. Arrays go to the heap.
template <typename T>
class BlockCacheAllocator {
 public:
  using value_type = T;

  BlockCacheAllocator() = default;
  template <typename U>
  BlockCacheAllocator(const BlockCacheAllocator<U>&) {}  // NOLINT: rebinding converts implicitly.

  T* allocate(size_t n) {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    if (n == 1) return static_cast<T*>(BlockCache<sizeof(T)>::Allocate());
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* object, size_t n) {
    if (n == 1) {
      BlockCache<sizeof(T)>::Free(object);
    } else {
      std::allocator<T>().deallocate(object, n);
    }
  }

  template <typename U>
  bool operator==(const BlockCacheAllocator<U>&) const {
    return true;
  }
};

/// A base that gives a class its own operator new and delete, from the
/// BlockCache of its size: for an object allocated with `new` (a reactor).
/// `Derived` is the class itself, which must be final.
template <typename Derived>
class AllocatedFromBlockCache {
 public:
  static void* operator new(size_t size) {
    static_assert(alignof(Derived) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    if (size != sizeof(Derived)) return ::operator new(size);
    return BlockCache<sizeof(Derived)>::Allocate();
  }
  static void operator delete(void* object, size_t size) {
    if (size != sizeof(Derived)) {
      ::operator delete(object);
      return;
    }
    BlockCache<sizeof(Derived)>::Free(object);
  }
};

}  // namespace sluice::actors
