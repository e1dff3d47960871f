// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The one place `sluice` subcommands create their gRPC channel, so every subcommand gets the same
// channel arguments (message size limits) and credentials; and ClientCall, the channel, stub and
// context of one call plus the report of how it ended.

#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sluice/v1/inference.grpc.pb.h"
#include "tools/call_options.h"

namespace sluice::cli {

// Large enough for a whole generated document or an embedding batch in one response.
inline constexpr int kMaxReceiveMessageBytes = 64 * 1024 * 1024;

// Whether a channel may share its connection with other channels to the same target (gRPC's
// global subchannel pool), or makes its own. A reconnecting client wants its own: a shared one
// may still be in gRPC's reconnect backoff (up to 2 minutes) and fail each new call at once,
// which would make our own backoff meaningless.
enum class Connection { kShared, kOwn };

// An insecure channel to `target` ("host:port" or any gRPC target URI) with a 64 MiB receive
// limit. Never fails here: connection errors surface as UNAVAILABLE on the first RPC.
std::shared_ptr<grpc::Channel> MakeClientChannel(const std::string& target,
                                                 Connection connection = Connection::kShared);

// One call of a subcommand: a channel to --target, a stub and a context with the --timeout
// deadline. Owned by the command, on its stack; used from the main thread, except that
// context().TryCancel() is thread-safe.
class ClientCall {
 public:
  // `method` names the sluice.v1.Inference method in failure hints ("Infer", "Generate", ...).
  ClientCall(const CallOptions& options, absl::string_view method,
             Connection connection = Connection::kShared);

  v1::Inference::Stub& stub() { return *stub_; }
  grpc::ClientContext& context() { return context_; }

  // Turns the call's final status into the exit code: kExitOk for OK; otherwise prints
  // "sluice: <CODE>: [<hint>: ]<message>" to stderr and returns kExitRpcFailed. The counts choose
  // the hint for UNAVAILABLE (never reached, or lost mid-call).
  int ReportEnd(const grpc::Status& status, uint64_t responses_received,
                uint64_t requests_sent = 0);

 private:
  const CallOptions& options_;
  const absl::string_view method_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Inference::Stub> stub_;
  grpc::ClientContext context_;
};

// The status of a call that answers once (Infer, Ingest): `status` if it failed, else the answer's
// error response if it is one (the engine normally turns that into the status itself).
grpc::Status AnswerStatus(const grpc::Status& status, const v1::InferResponse& answer);

// A failure on this side of the call (a file, stdout): prints "sluice: <message>" to stderr and
// returns kExitRpcFailed.
int ReportLocalFailure(const absl::Status& status);

}  // namespace sluice::cli
