// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/parameters.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
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

namespace {

// Powers of ten a double holds exactly.
constexpr std::array<double, 23> kExactPowersOfTen = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// The usual shape of a number in a reading or a feature, "-12.375": an
// optional sign, digits, and optionally a point and more digits. Its value
// is digits / 10^decimals; when both are exact doubles (at most 2^53, and at
// most 22 decimals), one IEEE division rounds the exact quotient correctly,
// so the result is the double std::from_chars would give (Clinger's fast
// path), for a fraction of its cost. False for anything else (an exponent,
// more digits, "5." or ".5"), which the caller leaves to from_chars.
bool ParsePlainDecimal(absl::string_view text, double* value) {
  const char* cursor = text.data();
  const char* const end = cursor + text.size();
  const bool negative = cursor != end && *cursor == '-';
  if (cursor != end && (*cursor == '-' || *cursor == '+')) ++cursor;
  uint64_t digits = 0;
  int count = 0;
  int decimals = 0;
  const auto take_digits = [&](int* taken) {
    const char* first = cursor;
    // 19 digits always fit in 64 bits; longer numbers go to from_chars.
    while (cursor != end && *cursor >= '0' && *cursor <= '9' && count < 19) {
      digits = digits * 10 + static_cast<uint64_t>(*cursor - '0');
      ++cursor;
      ++count;
    }
    *taken = static_cast<int>(cursor - first);
  };
  int integer_digits = 0;
  take_digits(&integer_digits);
  if (integer_digits == 0) return false;
  if (cursor != end && *cursor == '.') {
    ++cursor;
    take_digits(&decimals);
    if (decimals == 0) return false;
  }
  constexpr uint64_t kMaxExactInteger = uint64_t{1} << 53;
  if (cursor != end || digits > kMaxExactInteger ||
      decimals >= static_cast<int>(kExactPowersOfTen.size())) {
    return false;
  }
  const double magnitude = static_cast<double>(digits) / kExactPowersOfTen[decimals];
  *value = negative ? -magnitude : magnitude;
  return true;
}

}  // namespace

bool ParseDecimal(absl::string_view text, double limit, double* value) {
  text = absl::StripAsciiWhitespace(text);
  if (ParsePlainDecimal(text, value)) return std::fabs(*value) <= limit;
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
