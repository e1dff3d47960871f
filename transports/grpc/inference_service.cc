// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "transports/grpc/inference_service.h"

#include "transports/grpc/bidi_stream_reactor.h"

namespace sluice::transport {

grpc::ServerBidiReactor<v1::InferRequest, v1::InferResponse>* InferenceService::Stream(
    grpc::CallbackServerContext* context) {
  // gRPC owns the reactor until its OnDone(), which deletes it.
  return new BidiStreamReactor(context, environment_);  // NOLINT(cppcoreguidelines-owning-memory)
}

}  // namespace sluice::transport
