// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of CallSlot (see bench_call_slot.h).

#include "tools/bench_call_slot.h"

#include <utility>

namespace sluice::cli {

void CallSlot::Next() {
  Ticket ticket;
  switch (context_.tickets.TakeTicket(this, &ticket)) {
    case TicketSource::Take::kWait:
      return;  // OnTicketsAvailable() comes back here, maybe already on another thread.
    case TicketSource::Take::kFinished:
      context_.recorder.WorkerDone();  // The last touch of `this`.
      return;
    case TicketSource::Take::kTicket:
      break;
  }
  // Slots start at different payloads so that a run with several payloads mixes them at once.
  const uint64_t payload_index = static_cast<uint64_t>(index_) + calls_++;
  std::shared_ptr<BenchCall> call = factory_(context_, *this, ticket, payload_index);
  BenchCall* started = call.get();
  {
    absl::MutexLock lock(&mu_);
    current_ = std::move(call);
  }
  started->Start(stub_);
}

void CallSlot::CallDone() {
  std::shared_ptr<BenchCall> done;
  {
    absl::MutexLock lock(&mu_);
    done = std::move(current_);
  }
  // Destroyed here, inside its own OnDone, which touches nothing afterwards (gRPC allows deleting
  // a reactor in OnDone); unless Cancel() holds it for a moment longer.
  done.reset();
  Next();
}

void CallSlot::Cancel() {
  std::shared_ptr<BenchCall> call;
  {
    absl::MutexLock lock(&mu_);
    call = current_;
  }
  // Outside the lock: cancelling may run the call's OnDone, and so CallDone(), on this thread.
  if (call != nullptr) call->Cancel();
}

}  // namespace sluice::cli
