// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Actor: an object with a mailbox whose messages are processed one at a time,
// run to completion, on an executor (the Asio thread pool).

#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "actors/mailbox.h"

namespace sluice::actors {

namespace internal {
// The actor whose turn is running on this thread, or null. Used to refuse
// running one actor inline inside another's turn (unbounded nesting) and by
// SLUICE_DCHECK_IN_ACTOR-style checks.
inline thread_local const void* current_actor = nullptr;

// One turn woken by the turn running on this thread, to run right after it on
// the same thread instead of being posted to a pool (the "run next" slot of Go
// and CAF schedulers). It saves a cross-thread hop and a wake-up per message
// on request/response paths, where each actor wakes the next.
struct DeferredTurn {
  std::shared_ptr<void> keep_alive;
  void* actor = nullptr;
  void (*run)(void* actor) = nullptr;
  void (*post)(void* actor) = nullptr;
};
// Non-null while a turn runs on this thread.
inline thread_local DeferredTurn* deferred_turn = nullptr;

// True while this thread runs turns inline for a reaction (SendInline): a
// gRPC callback thread, where no model code may run.
inline thread_local bool in_reaction = false;

// Deferred turns run back to back on one thread before the next is posted
// instead, so a chain of actors waking each other cannot hold a thread.
constexpr int kMaxDeferredChain = 32;
}  // namespace internal

/// True when the calling thread is inside some actor's turn.
inline bool InAnyActor() { return internal::current_actor != nullptr; }

/// Base class of every actor. Msg is the type of its mailbox messages
/// (usually a std::variant of event structs).
///
/// Ownership: actors are always held by std::shared_ptr (made with
/// std::make_shared); a scheduled turn holds a strong reference, so an actor
/// lives at least until its last turn ends.
///
/// Threads: Send()/SendInline() are thread-safe. Receive() is actor-only: it
/// runs on one thread at a time, with every effect of earlier turns visible
/// (the mailbox counter's acq_rel operations order consecutive turns).
template <typename Msg>
class Actor : public std::enable_shared_from_this<Actor<Msg>> {
 public:
  using Executor = boost::asio::thread_pool::executor_type;

  /// Where an actor's turns may run.
  enum class Placement : uint8_t {
    /// Only on its executor's threads (actors that call code which may block).
    kOwnPool,
    /// On any actor pool thread whose turn woke it, but never inline in a
    /// reaction: for actors that run model code which never blocks.
    kAnyPoolThread,
    /// On any thread whose turn woke it, or inline in a reaction: for engine
    /// actors whose turns never block, take microseconds and run no model code.
    kAnyThread,
  };

  /// `max_messages_per_turn` bounds how long one actor holds a pool thread
  /// before yielding it to others (fairness); at least 1.
  Actor(Executor executor, uint32_t max_messages_per_turn,
        Placement placement = Placement::kOwnPool)
      : executor_(std::move(executor)),
        max_messages_per_turn_(max_messages_per_turn == 0 ? 1 : max_messages_per_turn),
        placement_(placement) {}
  virtual ~Actor() = default;
  Actor(const Actor&) = delete;
  Actor& operator=(const Actor&) = delete;

  /// Thread-safe. Queues `message`; if the actor was idle, posts a turn to the
  /// executor. Returns kClosed (and drops the message) after CloseMailbox().
  PushResult Send(Msg&& message) {
    const PushResult result = mailbox_.Push(std::move(message));
    if (result == PushResult::kOkWokeOwner) Wake();
    return result;
  }

  /// Thread-safe. Like Send(), with the message (alternative Alt of Msg)
  /// built in the mailbox from `args`, not built and then moved through each
  /// layer: used for a request, where it saves about 150 instructions a
  /// reading (counted) even now that the request itself travels by pointer.
  template <typename Alt, typename... Args>
  PushResult Emplace(Args&&... args) {
    const PushResult result =
        mailbox_.Emplace(std::in_place_type<Alt>, std::forward<Args>(args)...);
    if (result == PushResult::kOkWokeOwner) Wake();
    return result;
  }

  /// Thread-safe. Like Send(), but when the actor was idle, may run on any
  /// thread (Placement::kAnyThread), and the calling thread is not inside a
  /// turn, runs the turn right here instead of posting it, saving a
  /// cross-thread hop. The caller must not hold locks the actor could take,
  /// and must accept that the turn runs before this returns. Meant for
  /// reactions: the turns this one wakes run here only if they run no model
  /// code (kAnyThread); others are posted to their pools.
  PushResult SendInline(Msg&& message) {
    const PushResult result = mailbox_.Push(std::move(message));
    if (result != PushResult::kOkWokeOwner) return result;
    if (InAnyActor() || placement_ != Placement::kAnyThread) {
      Wake();
    } else {
      auto self = this->shared_from_this();  // The turn may drop the last other reference.
      const bool outer = internal::in_reaction;
      internal::in_reaction = true;
      self->RunTurn();
      internal::in_reaction = outer;
    }
    return result;
  }

  /// From a thread of the actor's own pool, outside any turn (a task posted
  /// to it): like Send(), but when that wakes the actor, runs its turn right
  /// here, where Send() would have posted it.
  PushResult SendHere(Msg&& message) {
    const PushResult result = mailbox_.Push(std::move(message));
    if (result != PushResult::kOkWokeOwner) return result;
    if (InAnyActor()) {
      Wake();
    } else {
      auto self = this->shared_from_this();  // The turn may drop the last other reference.
      self->RunTurn();
    }
    return result;
  }

  /// Thread-safe. Approximate mailbox depth, for metrics.
  int64_t ApproxMailboxDepth() const { return mailbox_.ApproxDepth(); }

  const Executor& executor() const { return executor_; }

 protected:
  /// Actor-only. Handles one message. Must not block and must not throw.
  virtual void Receive(Msg& message) = 0;

  /// Actor-only. Called after each batch of messages one turn handled (at
  /// least one), while the turn still owns the actor: for what is better
  /// done once per batch than once per message, such as one coalesced reply.
  virtual void AfterBatch() {}

  /// Thread-safe. Refuses every later Send(). Messages already queued are
  /// delivered if a turn is pending, else destroyed with the actor.
  void CloseMailbox() { mailbox_.Close(); }

  /// Actor-only: ends the current turn after this message and posts the next
  /// one to the executor, so other actors get the thread. (A message an actor
  /// sends itself does not do that: the running turn would just pop it.)
  void YieldTurn() { yield_requested_ = true; }

  /// True when called from this actor's own turn (for debug checks).
  bool InThisActor() const { return internal::current_actor == this; }

 private:
  // The actor just went from idle to pending: run it next on this thread if
  // a turn is running here, the slot is free and the placement allows it;
  // otherwise post it to its pool.
  void Wake() {
    internal::DeferredTurn* slot = internal::deferred_turn;
    if (slot != nullptr && slot->run == nullptr && MayRunHere()) {
      slot->keep_alive = this->shared_from_this();
      slot->actor = this;
      slot->run = [](void* actor) { static_cast<Actor*>(actor)->RunTurn(); };
      slot->post = [](void* actor) { static_cast<Actor*>(actor)->Schedule(); };
      return;
    }
    Schedule();
  }

  bool MayRunHere() const {
    switch (placement_) {
      case Placement::kAnyThread:
        return true;
      case Placement::kAnyPoolThread:
        if (!internal::in_reaction) return true;
        break;
      case Placement::kOwnPool:
        break;
    }
    return executor_.running_in_this_thread();
  }

  void Schedule() {
    boost::asio::post(executor_, [self = this->shared_from_this()] { self->RunTurn(); });
  }

  // Posts the rest of a turn that gave up its thread (fairness). The rest
  // continues this turn, so on a thread of the actor's own pool it is
  // deferred: Asio queues it behind the work already waiting, as a post
  // would, but wakes no idle thread for it, since this one is about to be
  // free. A post woke the pool's other thread while this one went to sleep:
  // two thread switches every 16 model calls of a client-streaming call
  // (SessionCore's bound per pump). Elsewhere (in a reaction) it is a post.
  void ScheduleRest() {
    boost::asio::defer(executor_, [self = this->shared_from_this()] { self->RunTurn(); });
  }

  // Runs one turn, then (if this is the outermost turn on the thread) the
  // turns it woke into the deferred slot, back to back, up to a bound.
  void RunTurn() {
    if (internal::deferred_turn != nullptr) {
      RunOneTurn();
      return;
    }
    internal::DeferredTurn slot;
    internal::deferred_turn = &slot;
    RunOneTurn();
    for (int chain = 0; slot.run != nullptr; ++chain) {
      std::shared_ptr<void> keep_alive = std::move(slot.keep_alive);
      void* actor = slot.actor;
      auto* run = chain < internal::kMaxDeferredChain ? slot.run : slot.post;
      slot.run = nullptr;
      run(actor);
    }
    internal::deferred_turn = nullptr;
  }

  // Handles up to max_messages_per_turn messages. When EndTurn() reports that
  // more arrived meanwhile (another thread pushed during the turn), this
  // thread still owns the actor, so it carries on here within the budget
  // instead of posting: posting costs a thread switch, and, from a reaction,
  // moves the next StartWrite out of gRPC's callback where it batches.
  void RunOneTurn() {
    const void* outer = internal::current_actor;
    internal::current_actor = this;
    int64_t budget = max_messages_per_turn_;
    while (true) {
      int64_t consumed = 0;
      while (consumed < budget && !yield_requested_) {
        Msg* message = mailbox_.Front();  // Handled in place: no move per message.
        if (message == nullptr) break;
        ++consumed;
        Receive(*message);
        mailbox_.Pop();
      }
      if (consumed > 0) AfterBatch();
      budget -= consumed;
      const bool yielded = yield_requested_;
      yield_requested_ = false;
      if (!mailbox_.EndTurn(consumed)) break;  // Idle: the next push wakes us.
      // Yielded or budget spent (fairness), or a counted message not yet
      // visible: queue the rest (ScheduleRest).
      if (yielded || budget <= 0 || consumed == 0) {
        ScheduleRest();
        break;
      }
    }
    internal::current_actor = outer;
  }

  Executor executor_;
  const uint32_t max_messages_per_turn_;
  const Placement placement_;
  bool yield_requested_ = false;  // Actor-only.
  Mailbox<Msg> mailbox_;
};

}  // namespace sluice::actors
