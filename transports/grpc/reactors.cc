// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "transports/grpc/reactors.h"

#include <utility>

#include "transports/grpc/status.h"

namespace sluice::transport {

// No WriteOptions::set_buffer_hint() even when more responses are queued: a
// hinted write does not complete until a later unhinted one, and the callback
// API allows only one write in flight, so the stream would stall.

void BidiReactor::DoStartWrite(v1::InferResponse&& response) {
  write_buffer_ = std::move(response);
  StartWrite(&write_buffer_);
}
void BidiReactor::DoFinish(const absl::Status& status) {
  core_.AddStatusTrailers(status);
  Finish(ToGrpcStatus(status));
}
void BidiReactor::OnDone() {
  core_.Done();
  delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's contract.
}

void GenerateReactor::DoStartWrite(v1::InferResponse&& response) {
  write_buffer_ = std::move(response);
  StartWrite(&write_buffer_);
}
void GenerateReactor::DoFinish(const absl::Status& status) {
  core_.AddStatusTrailers(status);
  Finish(ToGrpcStatus(status));
}
void GenerateReactor::OnDone() {
  core_.Done();
  delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's contract.
}

void IngestReactor::DoFinish(const absl::Status& status) {
  core_.AddStatusTrailers(status);
  Finish(ToGrpcStatus(status));
}
void IngestReactor::OnDone() {
  core_.Done();
  delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's contract.
}

void InferReactor::DoFinish(const absl::Status& status) {
  core_.AddStatusTrailers(status);
  Finish(ToGrpcStatus(status));
}
void InferReactor::OnDone() {
  core_.Done();
  delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's contract.
}

}  // namespace sluice::transport
