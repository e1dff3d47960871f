// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice infer` on the synchronous gRPC client API: builds one request from the flags, calls
// Infer and prints the answer.

#include "tools/infer_command.h"

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "tools/call_options.h"
#include "tools/calls.h"
#include "tools/client_channel.h"
#include "tools/command.h"
#include "tools/file_io.h"
#include "tools/response_printer.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"payload", FlagKind::kValue},
    {"payload-file", FlagKind::kValue},
};

constexpr CommandSpec kSpec = {
    .name = "infer",
    .flags = kFlags,
    .output_switches = true,
    .usage_head = R"(Usage: sluice infer --model NAME [--payload TEXT | --payload-file PATH] [flags]

Calls sluice.v1.Inference/Infer once: one request, one response. Prints the
response's payload (with a newline if it has none), then one KEY=VALUE line per
response parameter, sorted by key.

Flags:
  --model NAME          model to run (required)
  --payload TEXT        the request's payload (default: empty)
  --payload-file PATH   read the payload from PATH ("-" for stdin)
  --raw                 print one line instead: seq=<n> req=<n> ts=<n> final=1
                        [param.<k>=<v> ...] payload=<C-escaped>
  --json                print the response as one JSON object
)",
    .usage_tail = R"(
Exit status: 0 on success, 1 if the call failed (printed as
"sluice: <CODE>: <message>") or the payload file cannot be read, 2 on a usage
error.

Examples:
  sluice infer --model echo --payload hello --param lang=en
  sluice infer --model predict --param vdd_mean=1.02 --param idd_mean=0.31
  sluice infer --model echo --payload-file request.bin --json
)",
    .positional_hint = "use --payload TEXT to send text",
};

}  // namespace

int RunInferCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  const ParsedFlags& flags = command_line.flags();
  if (flags.Has("payload") && flags.Has("payload-file")) {
    return command_line.UsageError("--payload and --payload-file exclude each other");
  }
  const CallOptions& options = command_line.call();
  v1::InferRequest request = MakeRequest(options);
  if (flags.Has("payload-file")) {
    absl::StatusOr<std::string> payload = ReadWholeFile(flags.ValueOr("payload-file", ""));
    if (!payload.ok()) return ReportLocalFailure(payload.status());
    request.set_payload(*std::move(payload));
  } else {
    request.set_payload(flags.ValueOr("payload", ""));
  }
  v1::InferResponse response;
  if (int exit_code = RunInfer(options, request, &response); exit_code != kExitOk) {
    return exit_code;
  }
  if (absl::Status status = PrintResult(response, options.output, stdout); !status.ok()) {
    return ReportLocalFailure(status);
  }
  return kExitOk;
}

}  // namespace sluice::cli
