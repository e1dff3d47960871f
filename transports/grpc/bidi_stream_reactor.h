// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// BidiStreamReactor: the gRPC callback reactor of one bidirectional stream.
// Its reactions only turn events into messages for the stream's actor.

#pragma once

#include <atomic>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "actors/stream_actor.h"
#include "actors/stream_environment.h"
#include "actors/stream_port.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::transport {

class BidiStreamReactor;

/// The StreamPort of a bidi stream: forwards the actor's reads, writes and
/// finish to the reactor until the reactor is done.
///
/// Ownership: shared by the reactor and the actor. Threads: the actor calls
/// StartRead/StartWrite/Finish (one turn at a time); the reactor calls
/// Detach() from OnDone. After Detach() or Finish() every call is a no-op.
///
/// No lock: gRPC calls OnDone (hence Detach) only after Finish, and only the
/// actor calls Finish, on one of its turns, after which it calls nothing. So a
/// call that sees the reactor live runs before Finish and cannot race with
/// Detach. The atomics make a misuse a no-op instead of a use-after-free in
/// every case but a true race, and cost nothing measurable (a lock here showed
/// in profiles: Debian's abseil runs Mutex deadlock detection).
class BidiStreamPort final : public actors::StreamPort {
 public:
  explicit BidiStreamPort(BidiStreamReactor* reactor) : reactor_(reactor) {}

  void StartRead() override;
  void StartWrite(v1::InferResponse response) override;
  void Finish(const absl::Status& status) override;
  void Detach();

 private:
  // The reactor while operations may still be started on it, else null.
  BidiStreamReactor* Live() const;

  // Acquire/release pair Detach() and Finish() with the loads in Live().
  std::atomic<BidiStreamReactor*> reactor_;
  std::atomic<bool> finished_{false};
};

/// The reactor of one sluice.v1.Inference/Stream call.
///
/// Ownership: gRPC owns it from Stream() until OnDone(), which deletes it (the
/// only `delete this` in Sluice). It holds a strong reference to its actor;
/// the actor reaches it only through the port.
/// Threads: reactions run on gRPC callback threads and never block: each
/// becomes one mailbox message. The Do* methods are called by the port, i.e.
/// on the actor's turn.
class BidiStreamReactor final
    : public grpc::ServerBidiReactor<v1::InferRequest, v1::InferResponse> {
 public:
  BidiStreamReactor(grpc::CallbackServerContext* context,
                    const actors::StreamEnvironment& environment);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  void DoStartRead() { StartRead(&read_buffer_); }
  void DoStartWrite(v1::InferResponse response);
  void DoFinish(const absl::Status& status);

 private:
  void Deliver(actors::StreamMessage message);
  bool DeadlinePassed() const;

  grpc::CallbackServerContext* const context_;
  const bool run_inline_;
  const std::shared_ptr<BidiStreamPort> port_;
  std::shared_ptr<actors::StreamActor> actor_;
  // Owned here because gRPC reads into / writes from them until the matching
  // OnReadDone / OnWriteDone; the actor has at most one of each outstanding.
  v1::InferRequest read_buffer_;
  v1::InferResponse write_buffer_;
};

}  // namespace sluice::transport
