// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The frame the calls of a `sluice bench` run live in: BenchContext (what they share), BenchCall
// (one RPC of any kind) and CallSlot, which runs calls one after another, each starting with a
// ticket, so that --streams slots give --streams concurrent calls without a thread each.

#pragma once

#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "sluice/v1/inference.grpc.pb.h"
#include "tools/bench_options.h"
#include "tools/bench_recorder.h"
#include "tools/bench_tickets.h"

namespace sluice::cli {

// What every call of a run uses. The references are owned by the bench command and outlive the
// calls; all of them are thread-safe (the options are read only).
struct BenchContext {
  const BenchOptions& options;
  TicketSource& tickets;
  BenchRecorder& recorder;
  // The first request of every call: model, version, stream_id and --param set.
  const v1::InferRequest& base_request;
};

// Told by a call that it is over; see BenchCall.
class CallOwner {
 public:
  // The call's last action (in its OnDone reaction): the owner may destroy it.
  virtual void CallDone() = 0;

 protected:
  ~CallOwner() = default;
};

// One RPC of the bench. Created by a CallSlot for a ticket, and shared by it (with Cancel()
// while the call runs); Start() is called once by the slot, the rest are gRPC reactions.
class BenchCall {
 public:
  virtual ~BenchCall() = default;
  // Starts the RPC on `stub`. Its last action is the gRPC call that starts it: the call may be
  // over, and the slot may have dropped it, before that returns.
  virtual void Start(v1::Inference::Stub& stub) = 0;
  // Thread-safe: cancels the RPC (used when it outlives the drain timeout).
  virtual void Cancel() = 0;
};

// Makes the call for a ticket: (context, owner, first ticket, payload index).
using BenchCallFactory = std::function<std::shared_ptr<BenchCall>(const BenchContext&, CallOwner&,
                                                                  const Ticket&, uint64_t)>;

// Runs calls one after another until the tickets run out, then reports WorkerDone(). Owned by the
// bench command, which destroys it after that. Start() is called once from the main thread; the
// rest runs on gRPC's threads (or the main thread's Tick() for OnTicketsAvailable()), one call at
// a time, hence the mutex only around the call that Cancel() may reach.
class CallSlot final : public CallOwner, public TicketWaiter {
 public:
  CallSlot(const BenchContext& context, v1::Inference::Stub& stub, int index,
           BenchCallFactory factory)
      : context_(context), stub_(stub), index_(index), factory_(std::move(factory)) {}

  void Start() { Next(); }
  // Main thread: cancels the call in flight, if any.
  void Cancel() ABSL_LOCKS_EXCLUDED(mu_);

  void CallDone() override ABSL_LOCKS_EXCLUDED(mu_);
  void OnTicketsAvailable() override { Next(); }

 private:
  void Next() ABSL_LOCKS_EXCLUDED(mu_);

  const BenchContext& context_;
  v1::Inference::Stub& stub_;
  const int index_;
  const BenchCallFactory factory_;
  uint64_t calls_ = 0;  // Started so far; one call at a time touches it.
  absl::Mutex mu_;
  std::shared_ptr<BenchCall> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::cli
