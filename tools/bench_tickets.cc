// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the bench's pacing (see bench_tickets.h).

#include "tools/bench_tickets.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace sluice::cli {

TicketSource::TicketSource(const TicketPlan& plan, BenchClock::time_point start)
    : plan_(plan), start_(start), measure_start_(start + plan.warmup) {}

bool TicketSource::MeasuredLimitReachedLocked(BenchClock::time_point due) {
  if (plan_.count.has_value() && measured_taken_ >= *plan_.count) return true;
  return plan_.duration.has_value() && due >= measure_start_ + *plan_.duration;
}

TicketSource::Take TicketSource::TakeTicket(TicketWaiter* waiter, Ticket* ticket) {
  absl::MutexLock lock(&mu_);
  if (finished_) return Take::kFinished;
  BenchClock::time_point due;
  if (!plan_.rate.has_value()) {
    due = BenchClock::now();
  } else {
    if (taken_ >= released_) {
      waiters_.push_back(waiter);
      return Take::kWait;
    }
    due = start_ + std::chrono::duration_cast<BenchClock::duration>(
                       std::chrono::duration<double>(static_cast<double>(taken_) / *plan_.rate));
  }
  ticket->due = due;
  ticket->measured = due >= measure_start_;
  if (ticket->measured) {
    if (MeasuredLimitReachedLocked(due)) {
      finished_ = true;
      return Take::kFinished;
    }
    ++measured_taken_;
  }
  ++taken_;
  return Take::kTicket;
}

void TicketSource::Tick(BenchClock::time_point now) {
  std::vector<TicketWaiter*> wake;
  {
    absl::MutexLock lock(&mu_);
    // A TakeTicket() that reached --count finishes the run without waking anybody (it runs in
    // a reaction, where waking other streams could invert their lock order); that happens here.
    if (finished_ || (plan_.duration.has_value() && now >= measure_start_ + *plan_.duration)) {
      finished_ = true;
      wake = std::move(waiters_);
      waiters_.clear();
    } else if (plan_.rate.has_value()) {
      const double elapsed = std::chrono::duration<double>(now - start_).count();
      // Ticket i is due at i / rate, so by `now` tickets 0 .. floor(elapsed * rate) are.
      released_ = std::max(released_, static_cast<uint64_t>(std::floor(elapsed * *plan_.rate)) + 1);
      const uint64_t available = released_ - taken_;
      const size_t n = static_cast<size_t>(std::min<uint64_t>(available, waiters_.size()));
      wake.assign(waiters_.begin(), waiters_.begin() + static_cast<ptrdiff_t>(n));
      waiters_.erase(waiters_.begin(), waiters_.begin() + static_cast<ptrdiff_t>(n));
    }
  }
  Wake(std::move(wake));
}

void TicketSource::Stop() {
  std::vector<TicketWaiter*> wake;
  {
    absl::MutexLock lock(&mu_);
    finished_ = true;
    wake = std::move(waiters_);
    waiters_.clear();
  }
  Wake(std::move(wake));
}

bool TicketSource::finished() {
  absl::MutexLock lock(&mu_);
  return finished_;
}

void TicketSource::Wake(std::vector<TicketWaiter*> waiters) {
  for (TicketWaiter* waiter : waiters) waiter->OnTicketsAvailable();
}

}  // namespace sluice::cli
