// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The gRPC callback reactors of sluice.v1.Inference, one per RPC kind. Each
// maps its kind onto the same stream actor through CallCore and CallPort, so
// every kind gets the same credits, cancellation, deadlines and errors.

#pragma once

#include <grpcpp/grpcpp.h>

#include "actors/block_cache.h"
#include "actors/stream_environment.h"
#include "sluice/v1/inference.pb.h"
#include "transports/grpc/call_core.h"

namespace sluice::transport {

// Ownership (all four): gRPC owns a reactor from the service method until its
// OnDone(), which deletes it (the reactors' `delete this` is the only one in
// Sluice). Threads: reactions run on gRPC callback threads and never block;
// the Do* methods run on the stream actor's turn, through the port.
//
// Inlineable (all four): gRPC runs OnCancel and OnDone on the thread where
// the call reaches them (a poller, or the one that called Finish) instead of
// handing each to its executor thread, as it does for its own default
// reactor. A hand-off costs a unary call an allocation and about 1,100
// instructions (counted, docs/benchmarks.md); our two reactions only enqueue
// (OnDone runs a stream actor's last turn, which runs no model code), which
// is what gRPC asks of an inlineable reactor. OnDone may then run inside
// Finish(), so nothing may touch the reactor after Finish() returns.
//
// Allocated from a BlockCache (all four): gRPC's thread creates a reactor,
// and the pool thread that finishes the call deletes it.

/// Stream: many requests, many responses.
class BidiReactor final : public grpc::ServerBidiReactor<v1::InferRequest, v1::InferResponse>,
                          private CallOps,
                          public actors::AllocatedFromBlockCache<BidiReactor> {
 public:
  BidiReactor(grpc::CallbackServerContext* context, const actors::StreamEnvironment& environment)
      : core_(context, environment, this, RpcKind::kBidiStreaming, nullptr) {}

  void OnReadDone(bool ok) override { core_.ReadDone(ok); }
  void OnWriteDone(bool ok) override { core_.WriteDone(ok); }
  void OnCancel() override { core_.Cancelled(); }
  void OnDone() override;
  bool InternalInlineable() override { return true; }  // See above.

 private:
  void DoStartRead() override { StartRead(core_.ReadTarget()); }
  void DoStartWrite(v1::InferResponse&& response) override;
  void DoFinish(const absl::Status& status) override;

  // gRPC writes from this until OnWriteDone (it reads into CallCore's buffer).
  v1::InferResponse write_buffer_;
  CallCore core_;  // Last: it starts the actor, which may use the buffers.
};

/// Generate: one request, many responses.
class GenerateReactor final : public grpc::ServerWriteReactor<v1::InferResponse>,
                              private CallOps,
                              public actors::AllocatedFromBlockCache<GenerateReactor> {
 public:
  GenerateReactor(grpc::CallbackServerContext* context,
                  const actors::StreamEnvironment& environment, const v1::InferRequest* request)
      : request_(request), core_(context, environment, this, RpcKind::kServerStreaming, request) {}

  void OnWriteDone(bool ok) override { core_.WriteDone(ok); }
  void OnCancel() override { core_.Cancelled(); }
  void OnDone() override;
  bool InternalInlineable() override { return true; }  // See above.

 private:
  void DoStartRead() override { core_.ReadRequest(*request_); }
  void DoStartWrite(v1::InferResponse&& response) override;
  void DoFinish(const absl::Status& status) override;

  const v1::InferRequest* const request_;  // Owned by gRPC until OnDone.
  v1::InferResponse write_buffer_;
  CallCore core_;
};

/// Ingest: many requests, one response.
class IngestReactor final : public grpc::ServerReadReactor<v1::InferRequest>,
                            private CallOps,
                            public actors::AllocatedFromBlockCache<IngestReactor> {
 public:
  IngestReactor(grpc::CallbackServerContext* context, const actors::StreamEnvironment& environment,
                v1::InferResponse* response)
      : response_(response),
        core_(context, environment, this, RpcKind::kClientStreaming, nullptr) {}

  void OnReadDone(bool ok) override { core_.ReadDone(ok); }
  void OnCancel() override { core_.Cancelled(); }
  void OnDone() override;
  bool InternalInlineable() override { return true; }  // See above.

 private:
  void DoStartRead() override { StartRead(core_.ReadTarget()); }
  void DoStartWrite(v1::InferResponse&& response) override {
    response_.Record(std::move(response));
  }
  void DoFinish(const absl::Status& status) override;

  SingleResponse response_;
  CallCore core_;
};

/// Infer: one request, one response.
class InferReactor final : public grpc::ServerUnaryReactor,
                           private CallOps,
                           public actors::AllocatedFromBlockCache<InferReactor> {
 public:
  InferReactor(grpc::CallbackServerContext* context, const actors::StreamEnvironment& environment,
               const v1::InferRequest* request, v1::InferResponse* response)
      : request_(request),
        response_(response),
        core_(context, environment, this, RpcKind::kUnary, request) {}

  void OnCancel() override { core_.Cancelled(); }
  void OnDone() override;
  bool InternalInlineable() override { return true; }  // See above.

 private:
  void DoStartRead() override { core_.ReadRequest(*request_); }
  void DoStartWrite(v1::InferResponse&& response) override {
    response_.Record(std::move(response));
  }
  void DoFinish(const absl::Status& status) override;

  const v1::InferRequest* const request_;
  SingleResponse response_;
  CallCore core_;
};

}  // namespace sluice::transport
