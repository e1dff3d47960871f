// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// TicketSource: the pace of a `sluice bench` run. Every request a bench sends needs a ticket,
// which says when the request was due and whether it is measured (not warm-up), so that the
// closed loop, the open loop (--rate), --count, --duration and --warmup live in one place.

#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sluice::cli {

using BenchClock = std::chrono::steady_clock;

// Permission to send one request.
struct Ticket {
  // When the request was due: in the closed loop, when the ticket was taken; in the open loop,
  // its slot in the fixed schedule, so latency measured from here includes any time the request
  // waited behind slow responses (no coordinated omission).
  BenchClock::time_point due;
  // False during the warm-up: such requests are sent but not counted.
  bool measured = false;
};

// Told when tickets may be taken again after TicketSource::Take answered kWait. Implemented by
// the bench's streams and slots; OnTicketsAvailable() runs on the thread calling Tick() or Stop().
class TicketWaiter {
 public:
  virtual void OnTicketsAvailable() = 0;

 protected:
  ~TicketWaiter() = default;
};

struct TicketPlan {
  std::optional<double> rate;  // Tickets per second (open loop), or none (closed loop).
  std::optional<uint64_t> count;
  std::optional<BenchClock::duration> duration;
  BenchClock::duration warmup{};
};

// Hands out tickets according to a TicketPlan. Owned by the bench command, which outlives every
// call. Thread-safe.
class TicketSource {
 public:
  enum class Take { kTicket, kWait, kFinished };

  // Starts the schedule (and the warm-up) at `start`.
  TicketSource(const TicketPlan& plan, BenchClock::time_point start);

  // Takes a ticket into `*ticket` (kTicket); or, in the open loop before the next one is due,
  // answers kWait and calls `waiter->OnTicketsAvailable()` once, later, from Tick() or Stop();
  // or answers kFinished: the run is over for everybody. Callers must not touch anything that
  // OnTicketsAvailable() may change after a kWait.
  Take TakeTicket(TicketWaiter* waiter, Ticket* ticket) ABSL_LOCKS_EXCLUDED(mu_);

  // Main thread, often (every millisecond in the open loop): releases the tickets due by `now`
  // and wakes that many waiters; ends the run once --duration has passed.
  void Tick(BenchClock::time_point now) ABSL_LOCKS_EXCLUDED(mu_);

  // Ends the run early (a failure before anything succeeded, or Ctrl-C): every later TakeTicket()
  // answers kFinished, and every waiter is woken to see that. Thread-safe.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // When the measured interval starts (the end of the warm-up).
  BenchClock::time_point measure_start() const { return measure_start_; }
  bool finished() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Wakes the waiters after `mu_` is released, since they take tickets again.
  void Wake(std::vector<TicketWaiter*> waiters);
  bool MeasuredLimitReachedLocked(BenchClock::time_point due) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const TicketPlan plan_;
  const BenchClock::time_point start_;
  const BenchClock::time_point measure_start_;

  absl::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t measured_taken_ ABSL_GUARDED_BY(mu_) = 0;
  // Open loop: tickets due so far, and taken so far (ticket i is due at start_ + i / rate).
  uint64_t released_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t taken_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<TicketWaiter*> waiters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::cli
