// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the status texts `sluice` prints (see status_text.h).

#include "tools/status_text.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sluice::cli {
namespace {

// gRPC numbers its codes exactly like google.rpc.Code, which is also absl::StatusCode's
// numbering, so absl's table names both our wire Error.code and grpc::Status codes.
constexpr int kUnavailable = static_cast<int>(absl::StatusCode::kUnavailable);
constexpr int kDeadlineExceeded = static_cast<int>(absl::StatusCode::kDeadlineExceeded);
constexpr int kUnimplemented = static_cast<int>(absl::StatusCode::kUnimplemented);

std::string Hint(int code, absl::string_view message, const FailureContext& context) {
  switch (code) {
    case kUnavailable:
      if (context.channel_connected) return "";
      if (context.responses_received == 0 && context.requests_sent == 0) {
        return absl::StrCat("cannot reach ", context.target, " (is sluiced running?)");
      }
      if (context.responses_received == 0) {
        return absl::StrCat("lost connection to ", context.target, " after sending ",
                            context.requests_sent, " requests");
      }
      return absl::StrCat("lost connection to ", context.target, " after ",
                          context.responses_received, " responses");
    case kDeadlineExceeded:
      if (context.timeout.empty()) return "";
      return absl::StrCat("call did not finish within --timeout ", context.timeout, "s");
    case kUnimplemented:
      // gRPC answers a method the server lacks without a message; a model that does not serve
      // the method says so itself.
      if (!message.empty()) return "";
      return absl::StrCat(context.target, " does not serve sluice.v1.Inference/", context.method,
                          " (is it a sluiced server, as new as this client?)");
    default:
      return "";
  }
}

}  // namespace

std::string StatusCodeName(int code) {
  if (code >= 0 && code <= static_cast<int>(absl::StatusCode::kUnauthenticated)) {
    std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
    if (!name.empty()) return name;
  }
  return absl::StrCat("CODE_", code);
}

std::string DescribeRpcFailure(int code, absl::string_view message, const FailureContext& context) {
  std::string text = StatusCodeName(code);
  std::string hint = Hint(code, message, context);
  if (!hint.empty()) absl::StrAppend(&text, ": ", hint);
  if (!message.empty()) absl::StrAppend(&text, ": ", message);
  return text;
}

}  // namespace sluice::cli
