// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/request_buffer.h"

#include <algorithm>
#include <atomic>
#include <mutex>

namespace sluice::actors {
namespace {

// A thread's cache moves buffers to and from the shared pool this many at a
// time, so a thread that only recycles (a session's) or only takes (a
// read's) locks once per kBatch buffers.
constexpr uint32_t kBatch = RequestBufferCache::kMaxBuffers / 2;

struct ThreadCache {
  RequestList buffers;  // Freed at thread exit.
  uint32_t size = 0;
};
thread_local ThreadCache cache;

struct SharedPool {
  std::mutex mutex;
  RequestList buffers;            // Guarded by mutex.
  std::atomic<uint32_t> size{0};  // Written under mutex; read without it to skip an empty pool.
};
// Never destroyed: a thread may recycle while static objects are destroyed.
SharedPool& Shared() {
  static SharedPool* const pool = new SharedPool();
  return *pool;
}

// Moves up to `count` buffers from `from` to `to`, updating both sizes.
uint32_t MoveBuffers(RequestList& from, RequestList& to, uint32_t count) {
  uint32_t moved = 0;
  while (moved < count) {
    RequestPtr buffer = from.Pop();
    if (buffer == nullptr) break;
    to.Push(std::move(buffer));
    ++moved;
  }
  return moved;
}

}  // namespace

RequestPtr RequestBufferCache::Take() {
  if (cache.size == 0) {
    SharedPool& shared = Shared();
    if (shared.size.load(std::memory_order_relaxed) > 0) {
      std::lock_guard<std::mutex> lock(shared.mutex);
      const uint32_t moved = MoveBuffers(shared.buffers, cache.buffers, kBatch);
      shared.size.store(shared.size.load(std::memory_order_relaxed) - moved,
                        std::memory_order_relaxed);
      cache.size += moved;
    }
  }
  if (RequestPtr buffer = cache.buffers.Pop()) {
    --cache.size;
    return buffer;
  }
  return std::make_unique<RequestBuffer>();
}

void RequestBufferCache::Recycle(RequestPtr buffer) {
  if (buffer == nullptr || buffer->message.payload().capacity() > kMaxPayloadCapacity) return;
  if (cache.size == kMaxBuffers) {
    SharedPool& shared = Shared();
    std::lock_guard<std::mutex> lock(shared.mutex);
    const uint32_t size = shared.size.load(std::memory_order_relaxed);
    const uint32_t room = kMaxShared - size;
    const uint32_t moved = MoveBuffers(cache.buffers, shared.buffers, std::min(kBatch, room));
    shared.size.store(size + moved, std::memory_order_relaxed);
    cache.size -= moved;
  }
  if (cache.size == kMaxBuffers) return;  // Everything is full: freed here.
  cache.buffers.Push(std::move(buffer));
  ++cache.size;
}

uint32_t RequestBufferCache::CachedOnThisThread() { return cache.size; }

}  // namespace sluice::actors
