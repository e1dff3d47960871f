// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "transports/grpc/inference_service.h"

#include "transports/grpc/reactors.h"

namespace sluice::transport {

// gRPC owns each reactor until its OnDone(), which deletes it.
// NOLINTBEGIN(cppcoreguidelines-owning-memory)

grpc::ServerUnaryReactor* InferenceService::Infer(grpc::CallbackServerContext* context,
                                                  const v1::InferRequest* request,
                                                  v1::InferResponse* response) {
  return new InferReactor(context, environment_, request, response);
}

grpc::ServerWriteReactor<v1::InferResponse>* InferenceService::Generate(
    grpc::CallbackServerContext* context, const v1::InferRequest* request) {
  return new GenerateReactor(context, environment_, request);
}

grpc::ServerReadReactor<v1::InferRequest>* InferenceService::Ingest(
    grpc::CallbackServerContext* context, v1::InferResponse* response) {
  return new IngestReactor(context, environment_, response);
}

grpc::ServerBidiReactor<v1::InferRequest, v1::InferResponse>* InferenceService::Stream(
    grpc::CallbackServerContext* context) {
  return new BidiReactor(context, environment_);
}

// NOLINTEND(cppcoreguidelines-owning-memory)

}  // namespace sluice::transport
