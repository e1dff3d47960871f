// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "transports/grpc/status.h"

#include <string>

namespace sluice::transport {

// absl::StatusCode and grpc::StatusCode share the canonical numbering
// (google.rpc.Code), so the cast is exact.
grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace sluice::transport
