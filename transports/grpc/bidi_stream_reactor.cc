// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "transports/grpc/bidi_stream_reactor.h"

#include <chrono>
#include <utility>

#include "transports/grpc/status.h"

namespace sluice::transport {

// ---- BidiStreamPort ---------------------------------------------------------

BidiStreamReactor* BidiStreamPort::Live() const {
  if (finished_.load(std::memory_order_acquire)) return nullptr;
  return reactor_.load(std::memory_order_acquire);
}

void BidiStreamPort::StartRead() {
  if (BidiStreamReactor* reactor = Live()) reactor->DoStartRead();
}

void BidiStreamPort::StartWrite(v1::InferResponse response) {
  if (BidiStreamReactor* reactor = Live()) reactor->DoStartWrite(std::move(response));
}

void BidiStreamPort::Finish(const absl::Status& status) {
  BidiStreamReactor* reactor = Live();
  if (reactor == nullptr || finished_.exchange(true, std::memory_order_acq_rel)) return;
  reactor->DoFinish(status);
}

void BidiStreamPort::Detach() { reactor_.store(nullptr, std::memory_order_release); }

// ---- BidiStreamReactor ------------------------------------------------------

BidiStreamReactor::BidiStreamReactor(grpc::CallbackServerContext* context,
                                     const actors::StreamEnvironment& environment)
    : context_(context),
      run_inline_(environment.run_inline),
      port_(std::make_shared<BidiStreamPort>(this)) {
  actor_ = std::make_shared<actors::StreamActor>(environment, port_, context->deadline());
  // The actor registers itself and issues the first read in a turn of its
  // own, so nothing (a drain's abort, say) can run in it concurrently.
  Deliver(actors::StartStream{});
}

void BidiStreamReactor::Deliver(actors::StreamMessage message) {
  if (run_inline_) {
    actor_->SendInline(std::move(message));
  } else {
    actor_->Send(std::move(message));
  }
}

void BidiStreamReactor::OnReadDone(bool ok) {
  // A read also fails when the client cancels or the connection breaks, and
  // that must not look like a half-close (the model would finish its work
  // for nobody instead of being cancelled). gRPC marks the call cancelled
  // before failing the read, so ask it.
  if (!ok && context_->IsCancelled()) {
    Deliver(actors::PeerCancelled{DeadlinePassed()});
    return;
  }
  actors::ReadDone read;
  read.ok = ok;
  if (ok) read.request = std::move(read_buffer_);
  Deliver(std::move(read));
}

void BidiStreamReactor::OnWriteDone(bool ok) { Deliver(actors::WriteDone{ok}); }

bool BidiStreamReactor::DeadlinePassed() const {
  return context_->deadline() <= std::chrono::system_clock::now();
}

void BidiStreamReactor::OnCancel() {
  const bool deadline_expired = DeadlinePassed();
  // Posted, not inline: cancellation is rare and carries no data, so the
  // reaction stays as short as possible.
  actor_->Send(actors::PeerCancelled{deadline_expired});
}

void BidiStreamReactor::OnDone() {
  port_->Detach();
  actor_->Send(actors::ReactorDone{});
  delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's contract, see class comment.
}

// No WriteOptions::set_buffer_hint() even when more responses are queued: a
// hinted write does not complete until a later unhinted one, and the callback
// API allows only one write in flight, so the stream would stall.
void BidiStreamReactor::DoStartWrite(v1::InferResponse response) {
  write_buffer_ = std::move(response);
  StartWrite(&write_buffer_);
}

void BidiStreamReactor::DoFinish(const absl::Status& status) { Finish(ToGrpcStatus(status)); }

}  // namespace sluice::transport
