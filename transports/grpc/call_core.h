// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// CallCore: what every reactor kind shares: its stream actor, its port, and
// turning gRPC's reactions into the actor's messages.

#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "actors/stream_actor.h"
#include "actors/stream_environment.h"
#include "sluice/model.h"
#include "sluice/v1/inference.pb.h"
#include "transports/grpc/call_port.h"

namespace sluice::transport {

/// The common half of a reactor. Owned by its reactor (a member); lives until
/// the reactor's OnDone. Threads: the reaction helpers run on gRPC callback
/// threads and only enqueue; ReadRequest() runs on the actor's turn.
class CallCore {
 public:
  /// `ops` is the owning reactor; `request` the call's one request for the
  /// kinds it comes with (unary, server streaming), else null. Creates the
  /// stream actor and starts it.
  CallCore(grpc::CallbackServerContext* context, const actors::StreamEnvironment& environment,
           CallOps* ops, RpcKind kind, const v1::InferRequest* request);

  /// For DoStartRead of kinds that read from gRPC, on the actor's turn:
  /// takes a buffer (RequestBufferCache) to be the read's target until
  /// ReadDone, and returns its message for the reactor's StartRead.
  v1::InferRequest* ReadTarget();

  /// Reaction helpers.
  void ReadDone(bool ok);
  void WriteDone(bool ok) { Deliver(actors::WriteDone{ok, !ok && DeadlinePassed()}); }
  void Cancelled();
  void Done();

  /// For DoFinish, on the actor's turn, before the reactor's Finish: the
  /// trailing metadata `status` asks for (a retry pushback).
  void AddStatusTrailers(const absl::Status& status);

  /// For kinds whose single request came with the call (unary, server
  /// streaming): the first read yields it, swapped into a buffer, marked as
  /// the last (ReadDone::last); a second read, which the actor never issues
  /// after that, would report the end.
  void ReadRequest(const v1::InferRequest& request);

 private:
  void Deliver(actors::StreamMessage message);
  bool DeadlinePassed() const;

  grpc::CallbackServerContext* const context_;
  const bool run_inline_;
  const std::shared_ptr<CallPort> port_;
  std::shared_ptr<actors::StreamActor> actor_;
  // The read's target: set on the actor's turn before StartRead, taken by
  // the reaction ReadDone (gRPC orders the two).
  actors::RequestPtr read_buffer_;
  // Actor-only (ReadRequest), or set before the actor starts.
  bool request_delivered_ = false;
};

/// The one response of a unary or client-streaming call: the reactor keeps
/// it in the response gRPC gave the method, and sends it on Finish.
/// Threads: actor-only (through the port).
class SingleResponse {
 public:
  explicit SingleResponse(v1::InferResponse* response) : response_(response) {}
  void Record(v1::InferResponse&& response) { *response_ = std::move(response); }

 private:
  v1::InferResponse* const response_;  // Owned by gRPC; valid until OnDone.
};

}  // namespace sluice::transport
