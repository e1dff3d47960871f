// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/echo_model.h"

#include <string>

namespace sluice::models {
namespace {

// Answers each request with its payload and parameters. On Ingest, which
// has one answer, it echoes the last request at half-close, with the number
// of requests it saw in the parameter "requests".
class EchoSession final : public ModelSession {
 public:
  explicit EchoSession(RpcKind kind) : answer_at_half_close_(kind == RpcKind::kClientStreaming) {}

  Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
    if (answer_at_half_close_) {
      ++requests_;
      last_.set_payload(request.payload());
      *last_.mutable_parameters() = request.parameters();
      return Step::Done();
    }
    v1::InferResponse response;
    response.set_payload(request.payload());
    *response.mutable_parameters() = request.parameters();
    // Every call starts with room >= 1, so this cannot be refused.
    (void)sink.Emit(std::move(response));
    return Step::Done();
  }

  Step OnHalfClose(ResponseSink& sink) override {
    if (!answer_at_half_close_) return Step::Done();
    (*last_.mutable_parameters())["requests"] = std::to_string(requests_);
    (void)sink.Emit(std::move(last_));
    return Step::Done();
  }

 private:
  const bool answer_at_half_close_;
  int64_t requests_ = 0;
  v1::InferResponse last_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ModelSession>> EchoModel::NewSession(
    const std::shared_ptr<const SessionContext>& context) {
  return std::make_unique<EchoSession>(context->rpc_kind());
}

}  // namespace sluice::models
