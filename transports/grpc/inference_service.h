// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// InferenceService: the sluice.v1.Inference callback service; every call it
// accepts, of any of the four kinds, becomes a reactor plus a stream actor.

#pragma once

#include <grpcpp/grpcpp.h>

#include "actors/stream_environment.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::transport {

/// Creates a reactor (and so an actor) per call.
///
/// Ownership: owned by the engine; must outlive the grpc::Server it is
/// registered with. Threads: methods are called by gRPC on callback threads.
class InferenceService final : public v1::Inference::CallbackService {
 public:
  explicit InferenceService(const actors::StreamEnvironment& environment)
      : environment_(environment) {}

  grpc::ServerUnaryReactor* Infer(grpc::CallbackServerContext* context,
                                  const v1::InferRequest* request,
                                  v1::InferResponse* response) override;
  grpc::ServerWriteReactor<v1::InferResponse>* Generate(grpc::CallbackServerContext* context,
                                                        const v1::InferRequest* request) override;
  grpc::ServerReadReactor<v1::InferRequest>* Ingest(grpc::CallbackServerContext* context,
                                                    v1::InferResponse* response) override;
  grpc::ServerBidiReactor<v1::InferRequest, v1::InferResponse>* Stream(
      grpc::CallbackServerContext* context) override;

 private:
  const actors::StreamEnvironment& environment_;
};

}  // namespace sluice::transport
