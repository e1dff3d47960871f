// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the response output of `sluice` (see response_printer.h).

#include "tools/response_printer.h"

#include <cerrno>
#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tools/json_text.h"
#include "tools/status_text.h"

namespace sluice::cli {
namespace {

// Proto maps iterate in no particular order; output is sorted so that it is stable.
std::map<std::string, std::string> SortedParameters(const v1::InferResponse& response) {
  return {response.parameters().begin(), response.parameters().end()};
}

// A C-escaped word that never contains a space, so raw lines split on spaces.
std::string EscapeWord(absl::string_view text) {
  return absl::StrReplaceAll(absl::CEscape(text), {{" ", "\\040"}});
}

bool WriteTo(std::FILE* out, absl::string_view bytes) {
  return bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size();
}

}  // namespace

std::string FormatRawResponse(const v1::InferResponse& response) {
  std::string line =
      absl::StrCat("seq=", response.sequence(), " req=", response.request_sequence(),
                   " ts=", response.timestamp(), " final=", response.final() ? 1 : 0);
  for (const auto& [key, value] : SortedParameters(response)) {
    absl::StrAppend(&line, " param.", EscapeWord(key), "=", EscapeWord(value));
  }
  absl::StrAppend(&line, " payload=", absl::CEscape(response.payload()));
  return line;
}

std::string FormatJsonResponse(const v1::InferResponse& response) {
  // Keys and model names are UTF-8 by proto3's rules for `string` fields.
  std::string json = absl::StrCat(
      "{\"stream_id\":", JsonQuote(response.stream_id()), ",\"sequence\":", response.sequence(),
      ",\"request_sequence\":", response.request_sequence(),
      ",\"model\":", JsonQuote(response.model()),
      ",\"model_version\":", JsonQuote(response.model_version()),
      ",\"timestamp\":", response.timestamp(), ",\"final\":", response.final() ? "true" : "false",
      ",\"parameters\":{");
  bool first = true;
  for (const auto& [key, value] : SortedParameters(response)) {
    absl::StrAppend(&json, first ? "" : ",", JsonQuote(key), ":", JsonQuote(value));
    first = false;
  }
  json += "}";
  if (response.has_error()) {
    absl::StrAppend(&json, ",\"error\":{\"code\":", response.error().code(),
                    ",\"status\":", JsonQuote(StatusCodeName(response.error().code())),
                    ",\"message\":", JsonQuote(response.error().message()), "}");
  } else if (IsValidUtf8(response.payload())) {
    absl::StrAppend(&json, ",\"payload\":", JsonQuote(response.payload()));
  } else {
    absl::StrAppend(&json, ",\"payload_base64\":\"", absl::Base64Escape(response.payload()), "\"");
  }
  json += "}";
  return json;
}

std::string FormatResponseError(const v1::InferResponse& response) {
  return absl::StrCat("error on request ", response.request_sequence(), ": ",
                      StatusCodeName(response.error().code()), ": ", response.error().message());
}

absl::Status StdoutWriteError() { return absl::ErrnoToStatus(errno, "cannot write to stdout"); }

absl::Status PrintResult(const v1::InferResponse& response, OutputFormat format, std::FILE* out) {
  std::string text;
  switch (format) {
    case OutputFormat::kRaw:
      text = absl::StrCat(FormatRawResponse(response), "\n");
      break;
    case OutputFormat::kJson:
      text = absl::StrCat(FormatJsonResponse(response), "\n");
      break;
    case OutputFormat::kText:
      text = response.payload();
      if (!text.empty() && text.back() != '\n') text += '\n';
      for (const auto& [key, value] : SortedParameters(response)) {
        absl::StrAppend(&text, key, "=", value, "\n");
      }
      break;
  }
  if (!WriteTo(out, text) || std::fflush(out) != 0) return StdoutWriteError();
  return absl::OkStatus();
}

bool ResponsePrinter::Print(const v1::InferResponse& response) {
  if (format_ == OutputFormat::kJson) {
    return Write(absl::StrCat(FormatJsonResponse(response), "\n")) && Flush();
  }
  if (response.has_error()) {
    // An error ends the request's token line on stdout first, so that on a terminal the message
    // does not start in the middle of it; stdout is flushed before stderr is written for the
    // same reason.
    if (line_open_) {
      line_open_ = false;
      if (!Write("\n") || !Flush()) return false;
    }
    std::fprintf(err_, "%s\n", FormatResponseError(response).c_str());
    return true;
  }
  if (format_ == OutputFormat::kRaw) {
    return Write(absl::StrCat(FormatRawResponse(response), "\n")) && Flush();
  }
  if (layout_ == TextLayout::kLines) {
    const std::string& payload = response.payload();
    const bool needs_newline = payload.empty() || payload.back() != '\n';
    return Write(payload) && (!needs_newline || Write("\n")) && Flush();
  }
  if (!Write(response.payload())) return false;
  // A final response always ends the line, even with no payload, so that in a pipe every request
  // yields exactly one line of output.
  line_open_ = !response.final();
  if (response.final() && !Write("\n")) return false;
  return Flush();
}

bool ResponsePrinter::Finish() {
  if (!line_open_) return true;
  line_open_ = false;
  return Write("\n") && Flush();
}

bool ResponsePrinter::Write(const std::string& bytes) { return WriteTo(out_, bytes); }

bool ResponsePrinter::Flush() { return std::fflush(out_) == 0; }

}  // namespace sluice::cli
