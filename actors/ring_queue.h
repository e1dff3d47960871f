// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// RingQueue: the FIFO an actor keeps its own queued work in (a stream's
// responses waiting for the client, a session's requests waiting for the
// model).

#pragma once

#include <cstddef>
#include <memory>
#include <utility>

namespace sluice::actors {

/// A first-in, first-out queue in one ring of slots.
///
/// Why not std::deque: a deque allocates its map and a 512-byte block when it
/// is constructed, so every stream paid two allocations and about 600 bytes
/// before it queued anything, and a unary call (one request, one response)
/// paid that twice. A RingQueue allocates nothing until its first push, then
/// one ring that doubles when full; when it empties, a ring larger than
/// kKeptBytes is freed, so a stream that once had a burst does not keep the
/// burst's memory while it idles.
///
/// Ownership: a member of one actor. Not thread-safe: actor-only, like the
/// rest of its owner's state. Pop destroys the element at once, so what it
/// held (a payload) is released then, not when the slot is reused.
template <typename T>
class RingQueue {
 public:
  RingQueue() = default;
  RingQueue(const RingQueue&) = delete;
  RingQueue& operator=(const RingQueue&) = delete;
  ~RingQueue() {
    clear();
    Free();
  }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  /// Slots allocated now (for tests and memory accounting).
  size_t capacity() const { return capacity_; }

  /// The oldest element. Precondition: !empty().
  T& front() { return slots_[head_]; }

  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == capacity_) Grow();
    T* slot = slots_ + ((head_ + size_) & (capacity_ - 1));
    std::construct_at(slot, std::forward<Args>(args)...);
    ++size_;
    return *slot;
  }
  void push_back(T&& value) { emplace_back(std::move(value)); }

  /// Destroys the oldest element. Precondition: !empty().
  void pop_front() {
    std::destroy_at(slots_ + head_);
    head_ = (head_ + 1) & (capacity_ - 1);
    if (--size_ == 0) {
      head_ = 0;
      if (capacity_ * sizeof(T) > kKeptBytes) Free();
    }
  }

  void clear() {
    while (!empty()) pop_front();
  }

 private:
  // An empty ring this small is kept for the next push; most streams queue
  // one or two things at a time, and freeing and reallocating each time would
  // cost an allocation per message.
  static constexpr size_t kKeptBytes = 1024;
  static constexpr size_t kFirstSlots = 2;  // A power of two, as every capacity is.

  void Grow() {
    const size_t capacity = capacity_ == 0 ? kFirstSlots : 2 * capacity_;
    T* slots = std::allocator<T>().allocate(capacity);
    for (size_t i = 0; i < size_; ++i) {
      T* from = slots_ + ((head_ + i) & (capacity_ - 1));
      std::construct_at(slots + i, std::move(*from));
      std::destroy_at(from);
    }
    Free();
    slots_ = slots;
    capacity_ = capacity;
    head_ = 0;
  }

  // Precondition: no element is alive in the ring.
  void Free() {
    if (slots_ != nullptr) std::allocator<T>().deallocate(slots_, capacity_);
    slots_ = nullptr;
    capacity_ = 0;
  }

  T* slots_ = nullptr;
  size_t capacity_ = 0;  // 0 or a power of two.
  size_t head_ = 0;      // Index of front(), when not empty.
  size_t size_ = 0;
};

}  // namespace sluice::actors
