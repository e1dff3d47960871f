// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The unary, server-streaming and client-streaming calls of the `sluice` subcommands (Infer,
// Generate, Ingest) on the synchronous gRPC client API, each run on the calling thread and ended
// with an exit code, its failure already printed with a hint.

#pragma once

#include <cstdint>
#include <functional>

#include <grpcpp/support/status.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/v1/inference.pb.h"
#include "tools/call_options.h"
#include "tools/client_channel.h"

namespace sluice::cli {

// Sends `request` with Infer and stores the answer in `*answer`. Returns kExitOk, or prints the
// failure (an error answer counts as one) and returns kExitRpcFailed.
int RunInfer(const CallOptions& options, const v1::InferRequest& request,
             v1::InferResponse* answer);

// What a command wants after a Generate response.
enum class NextStep { kContinue, kStop };

using OnGenerateResponse = absl::FunctionRef<absl::StatusOr<NextStep>(const v1::InferResponse&)>;

// How one Generate call on a ClientCall ended.
struct GenerateOutcome {
  // The call's status, or the status an error response carried (the server sends a failed
  // request's status as a message; the call is cancelled after it).
  grpc::Status status;
  bool error_response = false;
  // on_response's error (a local failure, e.g. a full disk); the call was cancelled.
  absl::Status local;
  // on_response said kStop (the call was cancelled; that counts as success).
  bool stopped = false;
  uint64_t responses = 0;
};

// Sends `request` with Generate on `call` and passes each response that is not an error to
// `on_response`, in order, until the call ends, an error response comes, or `on_response` stops
// or fails.
GenerateOutcome CallGenerate(ClientCall& call, const v1::InferRequest& request,
                             OnGenerateResponse on_response);

// Sends `request` with Generate and calls `on_response` for each response in order; an error
// response fails the call with its status (the server sends it as a message). kStop ends
// the call early (it is cancelled, and counts as success); an error from `on_response` (a local
// failure, e.g. a full disk) cancels it, is printed and gives kExitRpcFailed. Returns the exit
// code; a failure is printed after calling `end_line` (if given), which ends a line the command
// left open (a progress bar, a token stream) so that the message starts on a fresh line.
int RunGenerate(const CallOptions& options, const v1::InferRequest& request,
                OnGenerateResponse on_response, const std::function<void()>& end_line = nullptr);

// Fills in the next request's payload (and any parameters of its own) and returns true; returns
// false at the end of the input, or an error for a local failure (a bad file).
using NextRequest = absl::FunctionRef<absl::StatusOr<bool>(v1::InferRequest* request)>;

// Sends requests made by `next` with Ingest, each starting from the options' model, version,
// stream_id and parameters and numbered 1, 2, 3, ..., half-closes, and stores the answer in
// `*answer`. `*requests_sent` counts the requests the call took. Returns the exit code: kExitOk
// with the answer; otherwise the failure (the call's, or `next`'s, which cancels the call) has
// been printed, after calling `end_line` as RunGenerate does. A server that stops reading blocks
// the caller.
int RunIngest(const CallOptions& options, NextRequest next, v1::InferResponse* answer,
              uint64_t* requests_sent, const std::function<void()>& end_line = nullptr);

}  // namespace sluice::cli
