// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// What the demo models share: reading and validating request parameters, the
// error messages that name a bad field, and the rules of each RPC kind.

#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sluice/model.h"

namespace sluice::models::internal {

/// `value` for an error message: in single quotes, cut to 64 bytes.
std::string Quoted(absl::string_view value);

/// The value of parameter `name`, or nullptr when the request has none.
const std::string* FindParameter(const v1::InferRequest& request, const std::string& name);

/// Parameter `name` as an integer in [min, max], or `fallback` when absent.
/// INVALID_ARGUMENT names the parameter, its value and the range.
absl::StatusOr<uint64_t> UintParameter(const v1::InferRequest& request, const std::string& name,
                                       uint64_t fallback, uint64_t min, uint64_t max);

/// A decimal number in [-limit, limit], as "-12", "+0.5" or "1e3" with any
/// whitespace around it (no hexadecimal, inf or nan), or false.
bool ParseDecimal(absl::string_view text, double limit, double* value);

/// True for 1..max_bytes characters of [A-Za-z0-9._:/-]: names that need no
/// escaping in JSON or in a message.
bool IsSimpleName(absl::string_view name, size_t max_bytes);

/// Appends the shortest decimal text that reads back as `value` exactly
/// ("null" for inf or nan, so the output stays valid JSON).
void AppendDouble(std::string* out, double value);

/// `value` with exactly `decimals` digits after the point.
std::string FixedDouble(double value, int decimals);

/// The gRPC method of a kind: "Infer", "Generate", "Ingest" or "Stream".
const char* MethodName(RpcKind kind);

/// UNIMPLEMENTED, naming the methods `context`'s model serves, unless the
/// stream's kind is one of `served`. For Model::NewSession.
absl::Status CheckRpcKind(const SessionContext& context, std::initializer_list<RpcKind> served);

/// Rejects the current request with `status`, as its RPC kind allows: an
/// error response (on a stream the stream stays open; on Infer and Generate it
/// becomes the call's status), or on Ingest, which answers only at half-close,
/// Fail(status), which ends the call with it at once.
Step RejectRequest(const SessionContext& context, ResponseSink& sink, const absl::Status& status);

}  // namespace sluice::models::internal
