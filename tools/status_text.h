// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Turns status codes into the text `sluice` prints: canonical code names, and a final-status line
// that tells the user what to do next (e.g. "is sluiced running?") instead of a bare gRPC string.

#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace sluice::cli {

// The canonical name of a google.rpc.Code / grpc::StatusCode value, e.g. "NOT_FOUND", or
// "CODE_<n>" for a number outside the canonical range (a peer may send any int32).
std::string StatusCodeName(int code);

// What the client knew when the RPC ended; used only to choose a hint.
struct FailureContext {
  absl::string_view target;
  // The sluice.v1.Inference method called ("Stream", "Infer", ...), named when it is unimplemented.
  absl::string_view method;
  // Responses received, and requests sent on a client-streaming call, before the failure:
  // UNAVAILABLE with none means the server was never reached, with some means the connection was
  // lost mid-call.
  uint64_t responses_received = 0;
  uint64_t requests_sent = 0;
  // Whether the channel was still connected when the RPC ended. A server that is up but answers
  // UNAVAILABLE itself (e.g. while shutting down) leaves it connected, and gets no hint.
  bool channel_connected = false;
  // The --timeout text as given, empty if none; named in DEADLINE_EXCEEDED messages.
  absl::string_view timeout;
};

// The line printed for a non-OK final status, without the "sluice: " prefix or a newline:
// "<CODE_NAME>: [<hint>: ]<message>".
std::string DescribeRpcFailure(int code, absl::string_view message, const FailureContext& context);

}  // namespace sluice::cli
