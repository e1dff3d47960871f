// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "transports/grpc/call_core.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "actors/admission.h"
#include "actors/block_cache.h"

namespace sluice::transport {

namespace {

// Call metadata the engine reads (docs/resilience.md).
constexpr char kSessionKey[] = "sluice-session";
constexpr char kResumeAfterKey[] = "sluice-resume-after";

// The gRPC interop suite's metadata echo: a client checks that metadata
// crosses the server both ways (grpc/doc/interop-test-descriptions.md).
constexpr char kEchoInitialKey[] = "x-grpc-test-echo-initial";
constexpr char kEchoTrailingKey[] = "x-grpc-test-echo-trailing-bin";

std::string ToString(grpc::string_ref value) { return std::string(value.data(), value.size()); }

// Null (no allocation) for the usual call, which carries none of our keys.
// `tenant_key`: the key naming the call's tenant, empty for none.
std::unique_ptr<actors::CallMetadata> ReadCallMetadata(const grpc::CallbackServerContext& context,
                                                       const std::string& tenant_key) {
  const auto& metadata = context.client_metadata();
  const auto session = metadata.find(kSessionKey);
  const auto tenant = tenant_key.empty() ? metadata.end() : metadata.find(tenant_key);
  if (session == metadata.end() && tenant == metadata.end()) return nullptr;
  auto call = std::make_unique<actors::CallMetadata>();
  if (tenant != metadata.end()) call->tenant = ToString(tenant->second);
  if (session == metadata.end()) return call;
  call->session_id = ToString(session->second);
  if (auto resume = metadata.find(kResumeAfterKey); resume != metadata.end()) {
    call->resume_after = ToString(resume->second);
  }
  return call;
}

void EchoTestMetadata(grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  if (auto initial = metadata.find(kEchoInitialKey); initial != metadata.end()) {
    context.AddInitialMetadata(kEchoInitialKey, ToString(initial->second));
  }
  if (auto trailing = metadata.find(kEchoTrailingKey); trailing != metadata.end()) {
    context.AddTrailingMetadata(kEchoTrailingKey, ToString(trailing->second));
  }
}

}  // namespace

CallCore::CallCore(grpc::CallbackServerContext* context,
                   const actors::StreamEnvironment& environment, CallOps* ops, RpcKind kind,
                   const v1::InferRequest* request)
    : context_(context),
      run_inline_(environment.run_inline),
      // From block caches: made on this gRPC thread, freed on the pool thread
      // that finishes the call (actors::BlockCache).
      port_(std::allocate_shared<CallPort>(actors::BlockCacheAllocator<CallPort>(), ops)),
      actor_(std::allocate_shared<actors::StreamActor>(
          actors::BlockCacheAllocator<actors::StreamActor>(), environment, port_,
          context->deadline(), kind)) {
  // Before any operation starts, while nothing else touches the context.
  if (!context->client_metadata().empty()) EchoTestMetadata(*context);
  // The actor registers itself and issues the first read in a turn of its
  // own, so nothing (a drain's abort, say) can run in it concurrently.
  actors::StartStream start;
  start.metadata = ReadCallMetadata(*context, actor_->tenant_metadata_key());
  if (request == nullptr || !run_inline_) {
    Deliver(std::move(start));
    return;
  }
  // The call's model is known now. One that runs inline runs in the stream's
  // turns, never in a reaction: the first turn would only get the call as
  // far as its model and then hand the rest to the pool. Posted instead, the
  // whole call up to its Finish runs in that one turn on the pool (counted:
  // about 1,000 instructions less per unary call). Any other model's session
  // runs on its own pool, and the first turn runs here, as for every call.
  start.models = environment.models->Current();
  const actors::ModelEntry* model = start.models->Find(request->model(), request->model_version());
  if (model != nullptr && model->execution == Execution::kInline) {
    actor_->Send(std::move(start));
  } else {
    Deliver(std::move(start));
  }
}

void CallCore::AddStatusTrailers(const absl::Status& status) {
  if (status.ok()) return;
  if (auto pushback = actors::RetryPushback(status)) {
    // Honoured by gRPC clients with a retry policy (docs/resilience.md).
    context_->AddTrailingMetadata("grpc-retry-pushback-ms", std::to_string(pushback->count()));
  }
}

void CallCore::Deliver(actors::StreamMessage message) {
  if (run_inline_) {
    actor_->SendInline(std::move(message));
  } else {
    actor_->Send(std::move(message));
  }
}

bool CallCore::DeadlinePassed() const {
  // The server's deadline is the client's, re-based when the call arrived, so
  // it lies a transit time later than the client's own. A client whose
  // deadline expires cancels the call (RST_STREAM), and that cancel can reach
  // us just before our copy of the deadline passes. Count a cancel that close
  // to the deadline as the deadline's.
  constexpr std::chrono::milliseconds kTransitSlack{50};
  return context_->deadline() <= std::chrono::system_clock::now() + kTransitSlack;
}

v1::InferRequest* CallCore::ReadTarget() {
  read_buffer_ = actors::RequestBufferCache::Take();
  return &read_buffer_->message;
}

void CallCore::ReadDone(bool ok) {
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
  if (ok) read.request = std::move(read_buffer_);  // The actor's from here on.
  Deliver(std::move(read));
}

void CallCore::ReadRequest(const v1::InferRequest& request) {
  actors::ReadDone read;
  read.ok = !request_delivered_;
  read.last = true;  // No other request follows, so no second read is needed.
  if (read.ok) {
    read.request = actors::RequestBufferCache::Take();
    // gRPC hands the call's request as const, but it is a message of the
    // call's own that gRPC never reads again once the method has returned;
    // it is swapped out instead of copied (and gRPC frees whatever a reused
    // buffer held).
    read.request->message.Swap(const_cast<v1::InferRequest*>(&request));
  }
  request_delivered_ = true;
  // Called on the actor's own turn, so this only queues the message.
  actor_->Send(std::move(read));
}

void CallCore::Cancelled() {
  // Posted, not inline: cancellation is rare and carries no data, so the
  // reaction stays as short as possible.
  actor_->Send(actors::PeerCancelled{DeadlinePassed()});
}

void CallCore::Done() {
  port_->Detach();
  // Inline: every call ends here, and posting the end to the pool would cost
  // each call one more hop (a wake-up on a quiet pool). The stream actor's
  // end runs no model code: it hands the session its CancelSession, if it
  // had none, so the model's session ends on the session's own pool.
  Deliver(actors::ReactorDone{DeadlinePassed()});
}

}  // namespace sluice::transport
