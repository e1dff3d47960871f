// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice generate`: builds the request from the flags and prints the Generate call's responses
// with the same printer as `sluice stream`.

#include "tools/generate_command.h"

#include <cstdio>

#include "absl/status/status.h"
#include "tools/call_options.h"
#include "tools/calls.h"
#include "tools/client_channel.h"
#include "tools/command.h"
#include "tools/response_printer.h"
#include "tools/resumable_calls.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"prompt", FlagKind::kValue},
};

constexpr CommandSpec kSpec = {
    .name = "generate",
    .flags = kFlags,
    .output_switches = true,
    .resume_flags = true,
    .usage_head = R"(Usage: sluice generate --model NAME [--prompt TEXT] [flags]

Calls sluice.v1.Inference/Generate: one request, a stream of responses. Prints
the payloads as they arrive, as one running text (a token stream), ending the
line at the final response.

Flags:
  --model NAME          model to run (required)
  --prompt TEXT         the request's payload (default: empty)
  --raw                 print one line per response instead:
                        seq=<n> req=<n> ts=<n> final=<0|1> [param.<k>=<v> ...]
                        payload=<C-escaped>
  --json                print one JSON object per response instead
)",
    .usage_tail = R"(
With --resume, a lost call (UNAVAILABLE, CANCELLED, a reset stream) is
resumed on a new connection after a backoff; progress notes go to stderr and
the output carries every response once. Any other status ends the command.

Exit status: 0 if the call ended with status OK, 1 if it failed or the server
answered with an error (printed as "sluice: <CODE>: <message>"), 2 on a usage
error.

Examples:
  sluice generate --model tokens --prompt "Once upon a time"
  sluice generate --model tokens --prompt hi --param max_tokens=5 --raw
  sluice generate --model tokens --prompt hi --resume --session story-1
)",
    .positional_hint = "use --prompt TEXT to send text",
};

}  // namespace

int RunGenerateCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  const CallOptions& options = command_line.call();
  v1::InferRequest request = MakeRequest(options);
  request.set_payload(command_line.flags().ValueOr("prompt", ""));
  ResponsePrinter printer(options.output, stdout, stderr);
  bool output_ok = true;
  auto end_line = [&] { output_ok = printer.Finish(); };
  auto print = [&](const v1::InferResponse& response) -> absl::StatusOr<NextStep> {
    if (!printer.Print(response)) return StdoutWriteError();
    return NextStep::kContinue;
  };
  int exit_code = options.resume.has_value()
                      ? RunResumableGenerate(options, request, print, end_line)
                      : RunGenerate(options, request, print, end_line);
  if (exit_code != kExitOk) return exit_code;
  end_line();
  return output_ok ? kExitOk : ReportLocalFailure(StdoutWriteError());
}

}  // namespace sluice::cli
