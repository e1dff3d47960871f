// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/sensors_model.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/models/parameters.h"
#include "engine/models/sensor_tally.h"

namespace sluice::models {
namespace {

constexpr uint64_t kDefaultAckEvery = 100;

// The readings of one stream. Owned by the engine, called one call at a time
// (ModelSession); shares nothing with other streams, so it needs no lock.
class SensorsSession final : public ModelSession {
 public:
  explicit SensorsSession(std::shared_ptr<const SessionContext> context)
      : context_(std::move(context)) {}

  Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
    const bool bidi = context_->rpc_kind() == RpcKind::kBidiStreaming;
    if (bidi && internal::FindParameter(request, "ack_every") != nullptr) {
      absl::StatusOr<uint64_t> ack_every =
          internal::UintParameter(request, "ack_every", kDefaultAckEvery, 1, 1'000'000);
      if (!ack_every.ok()) return internal::RejectRequest(*context_, sink, ack_every.status());
      ack_every_ = *ack_every;
    }
    if (absl::Status status = tally_.Add(request.payload()); !status.ok()) {
      return internal::RejectRequest(*context_, sink, status);
    }
    acked_sequence_ = std::max(acked_sequence_, request.sequence());
    if (bidi && tally_.count() % ack_every_ == 0) {
      v1::InferResponse ack;
      auto& parameters = *ack.mutable_parameters();
      parameters["acked_sequence"] = absl::StrCat(acked_sequence_);
      parameters["count"] = absl::StrCat(tally_.count());
      (void)sink.Emit(std::move(ack));  // The call's only response: room >= 1.
    }
    return Step::Done();
  }

  Step OnHalfClose(ResponseSink& sink) override {
    v1::InferResponse summary;
    tally_.AppendSummaries(summary.mutable_payload());
    auto& parameters = *summary.mutable_parameters();
    parameters["content_type"] = "application/x-ndjson";
    parameters["count"] = absl::StrCat(tally_.count());
    parameters["sensors"] = absl::StrCat(tally_.sensors());
    parameters["acked_sequence"] = absl::StrCat(acked_sequence_);
    (void)sink.Emit(std::move(summary));  // The call's only response: room >= 1.
    return Step::Done();
  }

 private:
  const std::shared_ptr<const SessionContext> context_;
  SensorTally tally_;
  uint64_t acked_sequence_ = 0;
  uint64_t ack_every_ = kDefaultAckEvery;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ModelSession>> SensorsModel::NewSession(
    const std::shared_ptr<const SessionContext>& context) {
  if (absl::Status status =
          internal::CheckRpcKind(*context, {RpcKind::kClientStreaming, RpcKind::kBidiStreaming});
      !status.ok()) {
    return status;
  }
  return std::make_unique<SensorsSession>(context);
}

}  // namespace sluice::models
