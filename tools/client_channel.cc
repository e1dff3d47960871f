// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the `sluice` channel factory and call reporting (see client_channel.h).

#include "tools/client_channel.h"

#include <cstdio>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_format.h"
#include "tools/command.h"
#include "tools/status_text.h"

namespace sluice::cli {

std::shared_ptr<grpc::Channel> MakeClientChannel(const std::string& target, Connection connection) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  if (connection == Connection::kOwn) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

ClientCall::ClientCall(const CallOptions& options, absl::string_view method, Connection connection)
    : options_(options),
      method_(method),
      channel_(MakeClientChannel(options.target, connection)),
      stub_(v1::Inference::NewStub(channel_)) {
  ApplyDeadline(options, &context_);
}

int ClientCall::ReportEnd(const grpc::Status& status, uint64_t responses_received,
                          uint64_t requests_sent) {
  if (status.ok()) return kExitOk;
  FailureContext failure;
  failure.target = options_.target;
  failure.method = method_;
  failure.responses_received = responses_received;
  failure.requests_sent = requests_sent;
  failure.channel_connected = channel_->GetState(false) == GRPC_CHANNEL_READY;
  failure.timeout = options_.timeout_text;
  absl::FPrintF(
      stderr, "sluice: %s\n",
      DescribeRpcFailure(static_cast<int>(status.error_code()), status.error_message(), failure));
  return kExitRpcFailed;
}

grpc::Status AnswerStatus(const grpc::Status& status, const v1::InferResponse& answer) {
  if (!status.ok() || !answer.has_error()) return status;
  // An error response with code 0 would read as success; it is still an error.
  const int code = answer.error().code() == 0 ? static_cast<int>(grpc::StatusCode::UNKNOWN)
                                              : answer.error().code();
  return grpc::Status(static_cast<grpc::StatusCode>(code), answer.error().message());
}

int ReportLocalFailure(const absl::Status& status) {
  absl::FPrintF(stderr, "sluice: %s\n", status.message());
  return kExitRpcFailed;
}

}  // namespace sluice::cli
