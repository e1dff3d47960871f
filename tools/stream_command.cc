// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice stream`: its flags and help; the call itself is RunBidiStream (bidi_stream.h).

#include "tools/stream_command.h"

#include "tools/bidi_stream.h"
#include "tools/call_options.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"prompt", FlagKind::kValue},
};

constexpr CommandSpec kSpec = {
    .name = "stream",
    .flags = kFlags,
    .output_switches = true,
    .usage_head = R"(Usage: sluice stream --model NAME [flags]

Opens one bidirectional Stream RPC to sluice.v1.Inference. With --prompt, sends
that one request and half-closes; otherwise sends each line of stdin as one
request (sequence 1, 2, 3, ...) and half-closes at end of input, so it works
both interactively and in pipes. Responses are printed as they arrive: payload
bytes as a live token stream, with a newline after each request's final
response. Per-request errors go to stderr and the stream continues.

Flags:
  --model NAME          model to run (required)
  --prompt TEXT         send TEXT as the only request instead of reading stdin
  --raw                 print one line per response instead:
                        seq=<n> req=<n> ts=<n> final=<0|1> [param.<k>=<v> ...]
                        payload=<C-escaped>
  --json                print one JSON object per response instead
)",
    .usage_tail = R"(
The parameter "timestamp" (a decimal integer) sets a request's timestamp.

Exit status: 0 if the stream ended with status OK, 1 if it failed (the status
is printed as "sluice: <CODE>: <message>"), 2 on a usage error.

Examples:
  sluice stream --model tokens --prompt "Once upon a time"
  printf 'a\nb\n' | sluice stream --model echo --raw
)",
    .positional_hint = "use --prompt TEXT to send text",
};

}  // namespace

int RunStreamCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  StreamOptions options;
  options.call = command_line.call();
  if (command_line.flags().Has("prompt"))
    options.prompt = command_line.flags().ValueOr("prompt", "");
  return RunBidiStream(options);
}

}  // namespace sluice::cli
