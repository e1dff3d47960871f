// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/parameters.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sluice::models::internal {

std::string Quoted(absl::string_view value) {
  constexpr size_t kMaxShown = 64;
  if (value.size() <= kMaxShown) return absl::StrCat("'", value, "'");
  return absl::StrCat("'", value.substr(0, kMaxShown), "...' (", value.size(), " bytes)");
}

const std::string* FindParameter(const v1::InferRequest& request, const std::string& name) {
  const auto it = request.parameters().find(name);
  return it == request.parameters().end() ? nullptr : &it->second;
}

absl::StatusOr<uint64_t> UintParameter(const v1::InferRequest& request, const std::string& name,
                                       uint64_t fallback, uint64_t min, uint64_t max) {
  const std::string* text = FindParameter(request, name);
  if (text == nullptr) return fallback;
  uint64_t value = 0;
  // Digits only: SimpleAtoi alone would take "+5" and " 5", and "-1" must not
  // wrap around to a huge size.
  const bool digits =
      !text->empty() && std::all_of(text->begin(), text->end(), absl::ascii_isdigit);
  if (!digits || !absl::SimpleAtoi(*text, &value) || value < min || value > max) {
    return absl::InvalidArgumentError(absl::StrCat("parameter '", name,
                                                   "' must be an integer from ", min, " to ", max,
                                                   ", got ", Quoted(*text)));
  }
  return value;
}

bool ParseDecimal(absl::string_view text, double limit, double* value) {
  text = absl::StripAsciiWhitespace(text);
  // std::from_chars, unlike SimpleAtod, refuses hexadecimal; it refuses a
  // leading '+' too, which a decimal may have.
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, *value, std::chars_format::general);
  return result.ec == std::errc() && result.ptr == end && std::isfinite(*value) &&
         std::fabs(*value) <= limit;
}

bool IsSimpleName(absl::string_view name, size_t max_bytes) {
  if (name.empty() || name.size() > max_bytes) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '/' || c == '-';
  });
}

void AppendDouble(std::string* out, double value) {
  if (!std::isfinite(value)) {
    out->append("null");
    return;
  }
  char buffer[32];
  // Shortest round trip: a reader gets back the exact double we computed.
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

std::string FixedDouble(double value, int decimals) {
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed, decimals);
  if (result.ec != std::errc()) return "nan";
  return std::string(buffer, result.ptr);
}

const char* MethodName(RpcKind kind) {
  switch (kind) {
    case RpcKind::kUnary:
      return "Infer";
    case RpcKind::kServerStreaming:
      return "Generate";
    case RpcKind::kClientStreaming:
      return "Ingest";
    case RpcKind::kBidiStreaming:
      return "Stream";
  }
  return "an unknown method";
}

absl::Status CheckRpcKind(const SessionContext& context, std::initializer_list<RpcKind> served) {
  if (std::find(served.begin(), served.end(), context.rpc_kind()) != served.end()) {
    return absl::OkStatus();
  }
  return absl::UnimplementedError(absl::StrCat(
      "model '", context.model(), "' serves ",
      absl::StrJoin(served, ", ",
                    [](std::string* out, RpcKind kind) { out->append(MethodName(kind)); }),
      ", not ", MethodName(context.rpc_kind()), "; see docs/models.md"));
}

Step RejectRequest(const SessionContext& context, ResponseSink& sink, const absl::Status& status) {
  if (context.rpc_kind() == RpcKind::kClientStreaming) return Step::Fail(status);
  // Every call starts with room >= 1, and a rejection is the call's only
  // response, so this cannot be refused.
  (void)sink.EmitError(status);
  return Step::Done();
}

}  // namespace sluice::models::internal
