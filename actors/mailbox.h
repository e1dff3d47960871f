// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Mailbox: the multi-producer, single-consumer message queue of one actor, plus
// the counter that decides when the actor must be scheduled.

#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "actors/spin_lock.h"

namespace sluice::actors {

/// What Push() did with a message.
enum class PushResult {
  kOk,           ///< Queued; the owner is already scheduled or running.
  kOkWokeOwner,  ///< Queued into an idle mailbox: the caller must schedule the owner.
  kClosed,       ///< Not queued: the mailbox is closed (the message was dropped).
};

namespace internal {

/// Two message buffers of `kSlots` messages, kept inside a mailbox. A
/// mailbox alternates between two buffers (the one producers fill and the
/// one its owner drains), so an actor whose bursts fit in these never
/// allocates one: a unary call's actors, created and gone within the call,
/// would otherwise allocate two or three.
/// Threads: TryTake() and Give() may race (a producer takes under the
/// mailbox's lock while the owner gives one back without it); each block's
/// flag is atomic, and the release/acquire pair orders the owner's last use
/// of a block before the next producer's first.
template <typename T, size_t kSlots>
class InlineBuffers {
 public:
  T* TryTake(size_t slots) {
    if (slots != kSlots) return nullptr;
    for (Block& block : blocks_) {
      if (!block.in_use.exchange(true, std::memory_order_acquire)) {
        return reinterpret_cast<T*>(block.storage);
      }
    }
    return nullptr;
  }
  /// False when `buffer` is not one of these (it came from the heap).
  bool Give(T* buffer) {
    for (Block& block : blocks_) {
      if (buffer == reinterpret_cast<T*>(block.storage)) {
        block.in_use.store(false, std::memory_order_release);
        return true;
      }
    }
    return false;
  }

 private:
  struct Block {
    alignas(T) std::byte storage[kSlots * sizeof(T)];
    std::atomic<bool> in_use{false};
  };
  std::array<Block, 2> blocks_;
};

/// The allocator of a mailbox's buffers: its inline ones when one is free
/// and the size fits, else the heap.
template <typename T, size_t kSlots>
class InlineFirstAllocator {
 public:
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = InlineFirstAllocator<U, kSlots>;
  };

  explicit InlineFirstAllocator(InlineBuffers<T, kSlots>* buffers) : buffers_(buffers) {}

  T* allocate(size_t n) {
    if (T* buffer = buffers_->TryTake(n)) return buffer;
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* buffer, size_t n) {
    if (!buffers_->Give(buffer)) std::allocator<T>().deallocate(buffer, n);
  }
  bool operator==(const InlineFirstAllocator& other) const { return buffers_ == other.buffers_; }

 private:
  InlineBuffers<T, kSlots>* buffers_;
};

}  // namespace internal

/// A mailbox of messages of type T.
///
/// Owned by exactly one actor. Push() and Close() are thread-safe; Front(),
/// Pop(), TryPop() and EndTurn() are actor-only (called by whichever single
/// thread currently runs the owner).
///
/// Order: one FIFO for all producers. A push that happens before another
/// (same thread, or ordered by any synchronisation, as consecutive turns of
/// a sending actor are) is popped first.
///
/// Memory: producers append to `incoming_` under a lock (a SpinLock); the owner swaps the
/// whole batch out in one locked step and pops from it without the lock. The
/// two buffers of kBufferSlots messages that this swapping needs live
/// inside the mailbox (internal::InlineBuffers), so an actor whose bursts
/// fit them (a unary call's actors, an idle stream's) never allocates one.
/// A larger buffer comes from the heap and is freed once drained. Most actors
/// are idle most of the time (10,000 open streams are mostly waiting), so
/// that is what they cost: 256 bytes for a stream actor's mailbox, 160 for a
/// session's. A lock-free queue with per-producer blocks (moodycamel, used
/// before) kept about 4 KB per stream.
///
/// Scheduling protocol: `pending_` counts messages pushed and not yet consumed.
/// A producer enqueues first and then increments; the increment that moves the
/// count from 0 to 1 wakes the owner (kOkWokeOwner), and the owner calls
/// EndTurn(n) after consuming n messages, which tells it whether it must run
/// again. Because every increment follows its enqueue, a positive count always
/// means a message is (or is about to be) visible, so no wake-up is lost, and
/// only one party ever sees the 0 -> 1 transition, so the owner never runs on
/// two threads at once. The count may dip below zero for a moment when the
/// owner consumes a message whose producer has not yet incremented; that
/// producer then sees a negative previous value and correctly does not wake.
template <typename T>
class Mailbox {
 public:
  Mailbox() = default;
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  /// Thread-safe. Takes an rvalue: a message (a request, say) is moved once,
  /// into the buffer, not once per layer on its way there.
  PushResult Push(T&& message) { return Emplace(std::move(message)); }

  /// Thread-safe. Like Push(), with the message constructed in the buffer
  /// from `args` (T's constructor arguments), so it is not moved at all.
  template <typename... Args>
  PushResult Emplace(Args&&... args) {
    {
      std::lock_guard<SpinLock> lock(lock_);
      if (closed_) return PushResult::kClosed;
      if (incoming_.size() == incoming_.capacity()) {
        incoming_.reserve(std::max(kBufferSlots, 2 * incoming_.size()));
      }
      incoming_.emplace_back(std::forward<Args>(args)...);
    }
    // acq_rel: release publishes the enqueue to the consumer that sees this
    // count; acquire orders us after the consumer's last EndTurn().
    const int64_t before = pending_.fetch_add(1, std::memory_order_acq_rel);
    return before == 0 ? PushResult::kOkWokeOwner : PushResult::kOk;
  }

  /// Actor-only. The oldest message, to be handled where it lies, or null
  /// when no message is visible right now. It stays valid until Pop(), even
  /// if the owner pushes to itself meanwhile (pushes go to another buffer).
  T* Front() {
    if (next_ == draining_.size()) {
      TidyDrained();  // So that incoming_ only ever gets a small buffer back.
      // Every counted message popped: nothing to fetch, so no lock. (One
      // pushed and not yet counted wakes the owner, or makes EndTurn() ask
      // for another pass.) This is how every turn ends, so it saves a lock
      // per turn.
      if (pending_.load(std::memory_order_acquire) <= popped_) return nullptr;
      std::lock_guard<SpinLock> lock(lock_);
      draining_.swap(incoming_);
    }
    return next_ == draining_.size() ? nullptr : &draining_[next_];
  }

  /// Actor-only, after Front() returned a message: destroys it (what it
  /// holds is released now, not when the batch is done) and moves on.
  void Pop() {
    draining_[next_] = T();
    ++next_;
    ++popped_;
  }

  /// Actor-only. Front() and Pop() with a move out; false when empty.
  bool TryPop(T& out) {
    T* front = Front();
    if (front == nullptr) return false;
    out = std::move(*front);
    Pop();
    return true;
  }

  /// Actor-only. Ends a turn that consumed `consumed` messages; returns true
  /// when more messages are pending and the owner must be scheduled again.
  bool EndTurn(int64_t consumed) {
    // Before the count drops: once it reaches 0, the next push may start a
    // turn on another thread, which owns draining_ from then on.
    if (next_ == draining_.size()) TidyDrained();
    popped_ = 0;
    // acq_rel: pairs with Push()'s fetch_add (see the class comment).
    const int64_t before = pending_.fetch_sub(consumed, std::memory_order_acq_rel);
    return before - consumed > 0;
  }

  /// Thread-safe. After Close() every Push() returns kClosed. Messages already
  /// queued stay queued: popped by a pending turn, or destroyed with the mailbox.
  void Close() {
    std::lock_guard<SpinLock> lock(lock_);
    closed_ = true;
  }

  /// Thread-safe. Approximate number of queued messages (for metrics only).
  int64_t ApproxDepth() const { return pending_.load(std::memory_order_relaxed); }

 private:
  // The inline buffers' size, and the least a new buffer has room for. A
  // unary call's messages come one at a time, and an idle stream's as a
  // request and an answer; a buffer that fills doubles. Two, not four: a
  // stream actor then stays under the 1,000 bytes that glibc allocates from
  // its small bins (stream_actor.cc), and every idle stream is 416 bytes
  // smaller.
  static constexpr size_t kBufferSlots = 2;

  using Allocator = internal::InlineFirstAllocator<T, kBufferSlots>;
  using Buffer = std::vector<T, Allocator>;

  // Actor-only, with every message of draining_ popped: empties it, and
  // frees it if it grew past an inline buffer's size. Every buffer passes
  // through here before it goes back to incoming_, so an idle mailbox holds
  // only its inline buffers.
  void TidyDrained() {
    next_ = 0;
    if (draining_.capacity() > kBufferSlots) {
      Buffer(Allocator(&inline_buffers_)).swap(draining_);
    } else {
      draining_.clear();
    }
  }

  // First: the buffers below may live in it, and are freed before it goes.
  internal::InlineBuffers<T, kBufferSlots> inline_buffers_;
  // Held for a push or the owner's swap of a batch: a few instructions, or a
  // malloc when a burst outgrows the buffer (then a waiter yields).
  SpinLock lock_;
  bool closed_ = false;                           // Guarded by lock_.
  Buffer incoming_{Allocator(&inline_buffers_)};  // Guarded by lock_.
  Buffer draining_{Allocator(&inline_buffers_)};  // Actor-only: the batch being popped...
  size_t next_ = 0;                               // ...from this index.
  int64_t popped_ = 0;                            // Actor-only: pops since the last EndTurn().
  std::atomic<int64_t> pending_{0};
};

}  // namespace sluice::actors
