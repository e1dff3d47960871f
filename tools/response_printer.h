// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Prints the responses of a stream as they arrive: either the payload bytes as a live token
// stream, or (--raw) one machine-readable line per response for tests and scripts.

#pragma once

#include <cstdio>
#include <string>

#include "sluice/v1/inference.pb.h"

namespace sluice::cli {

// The raw-mode line for one response, without the newline:
// "seq=<sequence> req=<request_sequence> ts=<timestamp> final=<0|1> payload=<C-escaped>".
std::string FormatRawResponse(const v1::InferResponse& response);

// The stderr line for a response whose result is an error, without the newline:
// "error on request <request_sequence>: <CODE_NAME>: <message>".
std::string FormatResponseError(const v1::InferResponse& response);

// Writes responses to `out` and per-request errors to `err`, flushing `out` after each response
// so that a token stream appears as it is generated. It remembers whether the last text line on
// `out` is unfinished, so that an error or the end of the stream starts on a fresh line.
// Owned by the stream command; not synchronised, called only from the thread that reads the
// stream.
class ResponsePrinter {
 public:
  enum class Mode { kText, kRaw };

  ResponsePrinter(Mode mode, std::FILE* out, std::FILE* err) : mode_(mode), out_(out), err_(err) {}

  // Prints one response. Returns false if writing to `out` failed (e.g. a closed pipe), so the
  // caller can stop the stream rather than keep the server generating into the void.
  [[nodiscard]] bool Print(const v1::InferResponse& response);

  // Ends an unfinished text line (a token stream whose final response never came). Returns false
  // if writing to `out` failed.
  [[nodiscard]] bool Finish();

 private:
  [[nodiscard]] bool Write(const std::string& bytes);
  [[nodiscard]] bool Flush();

  const Mode mode_;
  std::FILE* const out_;
  std::FILE* const err_;
  // True while text-mode payload bytes have been printed without the final newline.
  bool line_open_ = false;
};

}  // namespace sluice::cli
