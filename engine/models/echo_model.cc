// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/echo_model.h"

namespace sluice::models {
namespace {

class EchoSession final : public ModelSession {
 public:
  Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
    v1::InferResponse response;
    response.set_payload(request.payload());
    *response.mutable_parameters() = request.parameters();
    // Every call starts with room >= 1, so this cannot be refused.
    (void)sink.Emit(std::move(response));
    return Step::Done();
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<ModelSession>> EchoModel::NewSession(
    const std::shared_ptr<const SessionContext>& /*context*/) {
  return std::make_unique<EchoSession>();
}

}  // namespace sluice::models
