// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "transports/grpc/call_core.h"

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
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

// The client metadata the engine acts on, each the first of its key (as
// the map's find() gives). Pointers into the call's metadata map.
struct KnownMetadata {
  const grpc::string_ref* session = nullptr;
  const grpc::string_ref* resume_after = nullptr;
  const grpc::string_ref* tenant = nullptr;
  const grpc::string_ref* echo_initial = nullptr;
  const grpc::string_ref* echo_trailing = nullptr;
};

bool KeyIs(grpc::string_ref key, std::string_view name) {
  return key.size() == name.size() && std::memcmp(key.data(), name.data(), name.size()) == 0;
}

// One pass over the metadata instead of a find() per key: a call carries an
// entry or two and none of ours, so this costs a few length comparisons,
// where the five lookups cost about 250 instructions a call (counted).
// `tenant_key`: the key naming the call's tenant, empty for none.
KnownMetadata FindKnownMetadata(const grpc::CallbackServerContext& context,
                                std::string_view tenant_key) {
  KnownMetadata known;
  const auto first = [](const grpc::string_ref*& slot, const grpc::string_ref& value) {
    if (slot == nullptr) slot = &value;
  };
  for (const auto& [key, value] : context.client_metadata()) {
    if (KeyIs(key, kSessionKey)) first(known.session, value);
    if (KeyIs(key, kResumeAfterKey)) first(known.resume_after, value);
    if (!tenant_key.empty() && KeyIs(key, tenant_key)) first(known.tenant, value);
    if (KeyIs(key, kEchoInitialKey)) first(known.echo_initial, value);
    if (KeyIs(key, kEchoTrailingKey)) first(known.echo_trailing, value);
  }
  return known;
}

// Null (no allocation) for the usual call, which carries none of our keys.
std::unique_ptr<actors::CallMetadata> ReadCallMetadata(const KnownMetadata& known) {
  if (known.session == nullptr && known.tenant == nullptr) return nullptr;
  auto call = std::make_unique<actors::CallMetadata>();
  if (known.tenant != nullptr) call->tenant = ToString(*known.tenant);
  if (known.session == nullptr) return call;
  call->session_id = ToString(*known.session);
  if (known.resume_after != nullptr) call->resume_after = ToString(*known.resume_after);
  return call;
}

void EchoTestMetadata(grpc::CallbackServerContext& context, const KnownMetadata& known) {
  if (known.echo_initial != nullptr) {
    context.AddInitialMetadata(kEchoInitialKey, ToString(*known.echo_initial));
  }
  if (known.echo_trailing != nullptr) {
    context.AddTrailingMetadata(kEchoTrailingKey, ToString(*known.echo_trailing));
  }
}

// The call's one request, swapped into a buffer. gRPC hands it as const,
// but it is a message of the call's own that gRPC never reads again once the
// method has returned; it is swapped out instead of copied (and gRPC frees
// whatever a reused buffer held).
actors::RequestPtr TakeRequest(const v1::InferRequest& request) {
  actors::RequestPtr buffer = actors::RequestBufferCache::Take();
  buffer->message.Swap(const_cast<v1::InferRequest*>(&request));
  return buffer;
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
  const KnownMetadata known = FindKnownMetadata(*context, actor_->tenant_metadata_key());
  EchoTestMetadata(*context, known);
  // The actor registers itself and issues the first read in a turn of its
  // own, so nothing (a drain's abort, say) can run in it concurrently.
  actors::StartStream start;
  start.metadata = ReadCallMetadata(known);
  if (request == nullptr) {
    Deliver(std::move(start));
    return;
  }
  // The call's request came with it, so its model is known now, and the
  // request goes with StartStream instead of through a read (unless the
  // call resumes a session: its reads go to the session's stream).
  start.models = environment.models->Current();
  start.model = start.models->Find(request->model(), request->model_version());
  if (start.metadata == nullptr || !start.metadata->session_id.has_value()) {
    start.request = TakeRequest(*request);
    request_delivered_ = true;
  }
  // A model that runs inline runs in the stream's turns, never in a
  // reaction: a first turn here would only get the call as far as the
  // model's session and hand the rest to the pool. Posted instead, the whole
  // call up to its Finish runs in that one turn on the pool (counted: about
  // 800 instructions less per unary call). Any other model's session runs
  // on its own pool, and the first turn runs here, as for every call.
  if (start.model != nullptr && start.model->execution == Execution::kInline) {
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
  if (read.ok) read.request = TakeRequest(request);
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
  // Whether the deadline ended the call matters only when the stream did not
  // finish it itself; most calls it did, and they skip reading the clock.
  const bool deadline_expired = !port_->finished() && DeadlinePassed();
  port_->Detach();
  // Inline: every call ends here, and posting the end to the pool would cost
  // each call one more hop (a wake-up on a quiet pool). The stream actor's
  // end runs no model code: it hands the session its CancelSession, if it
  // had none, so the model's session ends on the session's own pool.
  Deliver(actors::ReactorDone{deadline_expired});
}

}  // namespace sluice::transport
