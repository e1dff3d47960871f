// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The bench calls that send many requests: Ingest (client streaming) and Stream (bidi). Both take a
// ticket per request, so they may have to wait for one with nothing in flight; a hold on the
// reactor keeps it alive until they half-close.

#include <deque>
#include <utility>

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "tools/bench_calls.h"
#include "tools/client_channel.h"

namespace sluice::cli {
namespace {

// One Ingest call: requests until --messages-per-stream or the end of the tickets, then
// half-close and wait for the one answer. Writes and ticket waits take turns (OnWriteDone starts
// the next, or a wait; OnTicketsAvailable ends the wait), so they never overlap: no lock.
class IngestCall final : public BenchCall,
                         public TicketWaiter,
                         public grpc::ClientWriteReactor<v1::InferRequest> {
 public:
  IngestCall(const BenchContext& context, CallOwner& owner, const Ticket& ticket,
             uint64_t payload_index)
      : context_(context),
        owner_(owner),
        first_(ticket),
        payload_index_(payload_index),
        request_(context.base_request) {
    ApplyDeadline(context.options.call, &client_context_);
  }

  void Start(v1::Inference::Stub& stub) override {
    stub.async()->Ingest(&client_context_, &response_, this);
    // The write flow runs outside reactions when a ticket wait ends: hold until half-close.
    AddHold();
    Write(first_);
    StartCall();
  }

  void Cancel() override { client_context_.TryCancel(); }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      RemoveHold();  // The call is over; OnDone says how.
      return;
    }
    Continue();
  }

  void OnTicketsAvailable() override { Continue(); }

  void OnDone(const grpc::Status& status) override {
    const BenchClock::time_point now = BenchClock::now();
    if (status.ok()) {
      context_.recorder.ResponseReceived(any_measured_, response_.payload().size());
      // Only a call wholly measured has a latency worth reporting.
      context_.recorder.Latency(first_.measured, now - first_.due);
    }
    // A call opened during the warm-up but carrying measured requests counts too.
    context_.recorder.CallEnded(any_measured_, status);
    owner_.CallDone();  // May destroy `this`.
  }

 private:
  void Write(const Ticket& ticket) {
    any_measured_ = any_measured_ || ticket.measured;
    request_.set_sequence(++sent_);
    request_.set_payload(BenchPayload(context_, payload_index_ + sent_ - 1));
    context_.recorder.RequestSent(ticket.measured, request_.payload().size());
    StartWrite(&request_);
  }

  void Continue() {
    const uint64_t limit = context_.options.messages_per_stream;
    Ticket ticket;
    if (limit == 0 || sent_ < limit) {
      switch (context_.tickets.TakeTicket(this, &ticket)) {
        case TicketSource::Take::kWait:
          return;  // OnTicketsAvailable() continues, maybe on another thread.
        case TicketSource::Take::kTicket:
          Write(ticket);
          return;
        case TicketSource::Take::kFinished:
          break;
      }
    }
    StartWritesDone();
    RemoveHold();
  }

  const BenchContext& context_;
  CallOwner& owner_;
  const Ticket first_;
  const uint64_t payload_index_;
  grpc::ClientContext client_context_;
  v1::InferRequest request_;  // Source of the one write in flight.
  v1::InferResponse response_;
  uint64_t sent_ = 0;
  // Whether any request was measured; set by the write flow, read in OnDone after it ended.
  bool any_measured_ = false;
};

// One bidi Stream call with up to --window requests outstanding. Reads run beside writes and
// ticket waits, so the window's state is under `mu_`; gRPC is called outside it.
class StreamCall final : public BenchCall,
                         public TicketWaiter,
                         public grpc::ClientBidiReactor<v1::InferRequest, v1::InferResponse> {
 public:
  StreamCall(const BenchContext& context, CallOwner& owner, const Ticket& ticket,
             uint64_t payload_index)
      : context_(context),
        owner_(owner),
        first_(ticket),
        payload_index_(payload_index),
        request_(context.base_request) {
    ApplyDeadline(context.options.call, &client_context_);
  }

  void Start(v1::Inference::Stub& stub) override {
    stub.async()->Stream(&client_context_, this);
    AddHold();  // For the write flow, as in IngestCall.
    StartRead(&response_);
    {
      absl::MutexLock lock(&mu_);
      PrepareWriteLocked(first_);
    }
    context_.recorder.RequestSent(first_.measured, request_.payload().size());
    StartWrite(&request_);
    StartCall();
  }

  void Cancel() override { client_context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Action action;
      {
        absl::MutexLock lock(&mu_);
        read_closed_ = true;
        action = NextWriteLocked();
      }
      Do(action);
      return;
    }
    const BenchClock::time_point now = BenchClock::now();
    bool measured = first_.measured;
    std::optional<BenchClock::duration> latency;
    bool first_response = false;
    Action action;
    {
      absl::MutexLock lock(&mu_);
      first_response = !answered_any_;
      answered_any_ = true;
      // Requests before the one answered got no final response (a model may answer only some).
      const uint64_t answers = response_.request_sequence();
      while (!outstanding_.empty() && outstanding_.front().sequence < answers) {
        outstanding_.pop_front();
      }
      if (!outstanding_.empty() && outstanding_.front().sequence == answers) {
        measured = outstanding_.front().ticket.measured;
        if (response_.final()) {
          latency = now - outstanding_.front().ticket.due;
          outstanding_.pop_front();
        }
      }
      action = NextWriteLocked();
    }
    if (first_response) context_.recorder.FirstResponse(first_.measured, now - first_.due);
    context_.recorder.ResponseReceived(measured, response_.payload().size());
    if (response_.has_error()) context_.recorder.ErrorResponse(measured, response_.error().code());
    if (latency.has_value()) context_.recorder.Latency(measured, *latency);
    Do(action);
    StartRead(&response_);
  }

  void OnWriteDone(bool ok) override {
    Action action;
    {
      absl::MutexLock lock(&mu_);
      write_in_flight_ = false;
      if (!ok) write_broken_ = true;
      action = NextWriteLocked();
    }
    Do(action);
  }

  void OnTicketsAvailable() override {
    Action action;
    {
      absl::MutexLock lock(&mu_);
      waiting_ = false;
      action = NextWriteLocked();
    }
    Do(action);
  }

  void OnDone(const grpc::Status& status) override {
    bool any_measured = false;
    {
      absl::MutexLock lock(&mu_);
      any_measured = any_measured_;
    }
    // A stream opened during the warm-up but carrying measured requests counts too.
    context_.recorder.CallEnded(any_measured, status);
    owner_.CallDone();  // May destroy `this`.
  }

 private:
  enum class Action { kNone, kWrite, kWritesDone };
  struct Outstanding {
    uint64_t sequence;
    Ticket ticket;
  };

  void PrepareWriteLocked(const Ticket& ticket) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++sent_;
    request_.set_sequence(sent_);
    request_.set_payload(BenchPayload(context_, payload_index_ + sent_ - 1));
    outstanding_.push_back({sent_, ticket});
    write_in_flight_ = true;
    write_measured_ = ticket.measured;
    any_measured_ = any_measured_ || ticket.measured;
  }

  // What the write side does next: another request if the window, the write slot and a ticket
  // allow; half-close once the stream's requests or the tickets are used up, or it broke.
  Action NextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (write_in_flight_ || waiting_ || writes_done_) return Action::kNone;
    const uint64_t limit = context_.options.messages_per_stream;
    bool done = write_broken_ || read_closed_ || (limit != 0 && sent_ >= limit);
    if (!done) {
      if (outstanding_.size() >= context_.options.window) return Action::kNone;
      Ticket ticket;
      switch (context_.tickets.TakeTicket(this, &ticket)) {
        case TicketSource::Take::kWait:
          // OnTicketsAvailable() may already be waiting for mu_ on another thread.
          waiting_ = true;
          return Action::kNone;
        case TicketSource::Take::kTicket:
          PrepareWriteLocked(ticket);
          return Action::kWrite;
        case TicketSource::Take::kFinished:
          done = true;
          break;
      }
    }
    writes_done_ = true;
    return Action::kWritesDone;
  }

  // Outside mu_: gRPC may run reactions inline.
  void Do(Action action) {
    switch (action) {
      case Action::kNone:
        return;
      case Action::kWrite:
        // request_ is not touched again until OnWriteDone, so reading it unlocked is safe.
        context_.recorder.RequestSent(write_measured_, request_.payload().size());
        StartWrite(&request_);
        return;
      case Action::kWritesDone:
        StartWritesDone();
        RemoveHold();
        return;
    }
  }

  const BenchContext& context_;
  CallOwner& owner_;
  const Ticket first_;
  const uint64_t payload_index_;
  grpc::ClientContext client_context_;
  v1::InferResponse response_;  // Target of the one read in flight; read side only.

  absl::Mutex mu_;
  // Source of the one write in flight: changed only by PrepareWriteLocked(), which
  // NextWriteLocked() calls only while no write is in flight, so gRPC may read it unlocked.
  v1::InferRequest request_;
  bool write_measured_ = false;  // Of request_; same rule.
  std::deque<Outstanding> outstanding_ ABSL_GUARDED_BY(mu_);
  uint64_t sent_ ABSL_GUARDED_BY(mu_) = 0;
  bool answered_any_ ABSL_GUARDED_BY(mu_) = false;
  bool any_measured_ ABSL_GUARDED_BY(mu_) = false;
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool waiting_ ABSL_GUARDED_BY(mu_) = false;
  bool write_broken_ ABSL_GUARDED_BY(mu_) = false;
  bool read_closed_ ABSL_GUARDED_BY(mu_) = false;
  bool writes_done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

std::shared_ptr<BenchCall> MakeIngestCall(const BenchContext& context, CallOwner& owner,
                                          const Ticket& ticket, uint64_t payload_index) {
  return std::make_shared<IngestCall>(context, owner, ticket, payload_index);
}

std::shared_ptr<BenchCall> MakeStreamCall(const BenchContext& context, CallOwner& owner,
                                          const Ticket& ticket, uint64_t payload_index) {
  return std::make_shared<StreamCall>(context, owner, ticket, payload_index);
}

}  // namespace sluice::cli
