// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The one place where absl::Status becomes grpc::Status.

#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace sluice::transport {

/// Maps a canonical absl::Status onto the gRPC status with the same code and
/// message. Thread-safe.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace sluice::transport
