// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the stream command's response output (see response_printer.h).

#include "tools/response_printer.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tools/status_text.h"

namespace sluice::cli {

std::string FormatRawResponse(const v1::InferResponse& response) {
  return absl::StrCat("seq=", response.sequence(), " req=", response.request_sequence(),
                      " ts=", response.timestamp(), " final=", response.final() ? 1 : 0,
                      " payload=", absl::CEscape(response.payload()));
}

std::string FormatResponseError(const v1::InferResponse& response) {
  return absl::StrCat("error on request ", response.request_sequence(), ": ",
                      StatusCodeName(response.error().code()), ": ", response.error().message());
}

bool ResponsePrinter::Print(const v1::InferResponse& response) {
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
  if (mode_ == Mode::kRaw) {
    return Write(absl::StrCat(FormatRawResponse(response), "\n")) && Flush();
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

bool ResponsePrinter::Write(const std::string& bytes) {
  return bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), out_) == bytes.size();
}

bool ResponsePrinter::Flush() { return std::fflush(out_) == 0; }

}  // namespace sluice::cli
