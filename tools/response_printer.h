// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Prints responses as they arrive: the payload bytes as a live token stream, one line per response
// (feeds), or (--raw, --json) one machine-readable line per response for tests and scripts; and
// prints the single answer of a unary or client-streaming call.

#pragma once

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::cli {

// What --raw and --json choose; kText is a command's human-readable default.
enum class OutputFormat { kText, kRaw, kJson };

// The raw-mode line for one response, without the newline:
// "seq=<sequence> req=<request_sequence> ts=<timestamp> final=<0|1> [param.<key>=<value> ...]
// payload=<C-escaped>", parameters sorted by key, keys and values C-escaped with spaces as \040.
std::string FormatRawResponse(const v1::InferResponse& response);

// The --json line for one response, without the newline: an object with stream_id, sequence,
// request_sequence, model, model_version, timestamp, final, parameters (an object) and either
// "payload" (a string; "payload_base64" if it is not UTF-8) or "error" {code, status, message}.
std::string FormatJsonResponse(const v1::InferResponse& response);

// The stderr line for a response whose result is an error, without the newline:
// "error on request <request_sequence>: <CODE_NAME>: <message>".
std::string FormatResponseError(const v1::InferResponse& response);

// The error for a failed write to stdout (a closed pipe, a full disk), from errno.
absl::Status StdoutWriteError();

// Prints the one response of a unary or client-streaming call to `out`. Text: the payload
// (newline-terminated if not empty), then "<key>=<value>" per parameter, sorted by key. Raw and
// JSON: the single line FormatRawResponse / FormatJsonResponse give. Returns StdoutWriteError()
// if writing failed.
absl::Status PrintResult(const v1::InferResponse& response, OutputFormat format, std::FILE* out);

// Writes responses to `out` and per-request errors to `err` (in JSON format to `out`, as objects
// with "error"), flushing `out` after each response so that a token stream appears as it is
// generated. It remembers whether the last text line on `out` is unfinished, so that an error or
// the end of the stream starts on a fresh line. Owned by the command that reads the stream; not
// synchronised, called only from the thread that reads it.
class ResponsePrinter {
 public:
  // How kText lays out payloads: as one running token stream ended by a request's final response,
  // or as one line per response (items of a feed).
  enum class TextLayout { kTokens, kLines };

  ResponsePrinter(OutputFormat format, std::FILE* out, std::FILE* err,
                  TextLayout layout = TextLayout::kTokens)
      : format_(format), layout_(layout), out_(out), err_(err) {}

  // Prints one response. Returns false if writing to `out` failed (e.g. a closed pipe), so the
  // caller can stop the stream rather than keep the server generating into the void.
  [[nodiscard]] bool Print(const v1::InferResponse& response);

  // Ends an unfinished text line (a token stream whose final response never came). Returns false
  // if writing to `out` failed.
  [[nodiscard]] bool Finish();

 private:
  [[nodiscard]] bool Write(const std::string& bytes);
  [[nodiscard]] bool Flush();

  const OutputFormat format_;
  const TextLayout layout_;
  std::FILE* const out_;
  std::FILE* const err_;
  // True while text-mode payload bytes have been printed without the final newline.
  bool line_open_ = false;
};

}  // namespace sluice::cli
