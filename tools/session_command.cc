// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice session`: `sluice stream` without --prompt, plus a "> " prompt on stderr whenever a line
// is wanted and stdin is a terminal.

#include "tools/session_command.h"

#include <unistd.h>

#include "tools/bidi_stream.h"
#include "tools/call_options.h"
#include "tools/resumable_calls.h"

namespace sluice::cli {
namespace {

constexpr CommandSpec kSpec = {
    .name = "session",
    .output_switches = true,
    .resume_flags = true,
    .usage_head = R"(Usage: sluice session --model NAME [flags]

Opens one bidirectional Stream RPC and keeps it open: each line read from stdin
is one request on it (sequence 1, 2, 3, ...), so the model's per-stream state
(a conversation, a tracker) carries from line to line. Responses are printed as
they arrive, a newline after each request's final one. When stdin is a terminal
a "> " prompt on stderr asks for the next line; end the session with Ctrl-D.
Per-request errors go to stderr and the session continues.

With --resume the session survives a lost connection: it reconnects after a
backoff, resumes, and sends again (with their original sequence) the requests
that have no final response yet; the server runs none of them twice and the
output carries every response once.

Flags:
  --model NAME          model to talk to (required)
  --raw                 print one line per response (see sluice stream --help)
  --json                print one JSON object per response
)",
    .usage_tail = R"(
Exit status: 0 if the session ended with status OK, 1 if it failed, 2 on a
usage error.

Examples:
  sluice session --model tokens --param max_tokens=8
  printf 'hello\nagain\n' | sluice session --model echo
  sluice session --model tokens --resume --max-retries 20
)",
    .positional_hint = "type requests on stdin",
};

}  // namespace

int RunSessionCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  StreamOptions options;
  options.call = command_line.call();
  options.prompt_marker = isatty(STDIN_FILENO) == 1;
  return options.call.resume.has_value() ? RunResumableStream(options) : RunBidiStream(options);
}

}  // namespace sluice::cli
