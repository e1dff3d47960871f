// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Mailbox: the multi-producer, single-consumer message queue of one actor, plus
// the counter that decides when the actor must be scheduled.

#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "concurrentqueue.h"

namespace sluice::actors {

/// What Push() did with a message.
enum class PushResult {
  kOk,           ///< Queued; the owner is already scheduled or running.
  kOkWokeOwner,  ///< Queued into an idle mailbox: the caller must schedule the owner.
  kClosed,       ///< Not queued: the mailbox is closed (the message was dropped).
};

/// Queue traits tuned for many small mailboxes: the default block of 32
/// elements per producer costs kilobytes per idle actor, and a stream actor
/// rarely holds more than a few messages.
struct MailboxQueueTraits : moodycamel::ConcurrentQueueDefaultTraits {
  static constexpr size_t BLOCK_SIZE = 8;
  static constexpr size_t IMPLICIT_INITIAL_INDEX_SIZE = 4;
  static constexpr size_t EXPLICIT_INITIAL_INDEX_SIZE = 4;
  static constexpr size_t INITIAL_IMPLICIT_PRODUCER_HASH_SIZE = 4;
};

/// A mailbox of messages of type T.
///
/// Owned by exactly one actor. Push() is thread-safe; TryPop() and EndTurn()
/// are actor-only (called by whichever single thread currently runs the owner).
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
  Mailbox() : queue_(0) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  using ProducerToken = moodycamel::ProducerToken;

  /// Thread-safe. Messages pushed by one thread arrive in the order pushed;
  /// messages from different threads may interleave in any order, even when
  /// one push happened before the other. A sender that runs on several threads
  /// over time (another actor) and needs FIFO uses a ProducerToken.
  PushResult Push(T message) {
    if (IsClosed()) return PushResult::kClosed;
    queue_.enqueue(std::move(message));
    return Counted();
  }

  /// Like Push(), FIFO for every message pushed with the same token, whatever
  /// thread pushes it. The token must not be used by two threads at once and
  /// must be destroyed before this mailbox.
  PushResult Push(ProducerToken& token, T message) {
    if (IsClosed()) return PushResult::kClosed;
    queue_.enqueue(token, std::move(message));
    return Counted();
  }

  /// Thread-safe. A token for one logical sender (see Push(token, message)).
  ProducerToken MakeProducerToken() { return ProducerToken(queue_); }

  /// Actor-only. Returns false when no message is visible right now.
  bool TryPop(T& out) { return queue_.try_dequeue(out); }

  /// Actor-only. Ends a turn that consumed `consumed` messages; returns true
  /// when more messages are pending and the owner must be scheduled again.
  bool EndTurn(int64_t consumed) {
    // acq_rel: pairs with Push()'s fetch_add (see the class comment).
    const int64_t before = pending_.fetch_sub(consumed, std::memory_order_acq_rel);
    return before - consumed > 0;
  }

  /// Thread-safe. After Close() every Push() returns kClosed. Messages already
  /// queued stay queued: popped by a pending turn, or destroyed with the mailbox.
  void Close() { closed_.store(true, std::memory_order_release); }

  /// Thread-safe. Approximate number of queued messages (for metrics only).
  int64_t ApproxDepth() const { return pending_.load(std::memory_order_relaxed); }

 private:
  bool IsClosed() const {
    // Acquire pairs with Close()'s release so a closed mailbox stays closed.
    return closed_.load(std::memory_order_acquire);
  }

  PushResult Counted() {
    // acq_rel: release publishes the enqueue to the consumer that sees this
    // count; acquire orders us after the consumer's last EndTurn().
    const int64_t before = pending_.fetch_add(1, std::memory_order_acq_rel);
    return before == 0 ? PushResult::kOkWokeOwner : PushResult::kOk;
  }

  moodycamel::ConcurrentQueue<T, MailboxQueueTraits> queue_;
  std::atomic<int64_t> pending_{0};
  std::atomic<bool> closed_{false};
};

}  // namespace sluice::actors
