// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Usage text and flag parsing of `sluice stream` (see stream_options.h).

#include "tools/stream_options.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/cli_flags.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"help", FlagKind::kSwitch},    {"target", FlagKind::kValue},    {"model", FlagKind::kValue},
    {"version", FlagKind::kValue},  {"stream-id", FlagKind::kValue}, {"prompt", FlagKind::kValue},
    {"param", FlagKind::kRepeated}, {"timeout", FlagKind::kValue},   {"raw", FlagKind::kSwitch},
};

// About 31 years: beyond this a "timeout" is a typo, and absl::Duration arithmetic stays exact.
constexpr double kMaxTimeoutSeconds = 1e9;

constexpr absl::string_view kUsage =
    R"(Usage: sluice stream --model NAME [flags]

Opens one bidirectional Stream RPC to sluice.v1.Inference. With --prompt, sends
that one request and half-closes; otherwise sends each line of stdin as one
request (sequence 1, 2, 3, ...) and half-closes at end of input, so it works
both interactively and in pipes. Responses are printed as they arrive: payload
bytes as a live token stream, with a newline after each request's final
response. Per-request errors go to stderr and the stream continues.

Flags:
  --model NAME          model to run (required)
  --version V           model version (default: the model's default version)
  --target HOST:PORT    server address (default 127.0.0.1:50051)
  --prompt TEXT         send TEXT as the only request instead of reading stdin
  --param KEY=VALUE     request parameter; repeat for more. The key "timestamp"
                        (a decimal integer) sets the request's timestamp
  --stream-id ID        stream_id sent with every request (default: empty)
  --timeout SECONDS     deadline for the whole stream, e.g. 30 or 0.5
                        (default: none)
  --raw                 print one line per response instead:
                        seq=<n> req=<n> ts=<n> final=<0|1> payload=<C-escaped>
  -h, --help            show this help

Exit status: 0 if the stream ended with status OK, 1 if it failed (the status
is printed as "sluice: <CODE>: <message>"), 2 on a usage error.

Examples:
  sluice stream --model tokens --prompt "Once upon a time"
  printf 'a\nb\n' | sluice stream --model echo --raw
)";

absl::Status AddParameter(absl::string_view flag_value, std::map<std::string, std::string>* out) {
  size_t eq = flag_value.find('=');
  if (eq == absl::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--param wants KEY=VALUE with a non-empty KEY, got '", flag_value, "'"));
  }
  std::string key(flag_value.substr(0, eq));
  if (!out->emplace(key, flag_value.substr(eq + 1)).second) {
    return absl::InvalidArgumentError(absl::StrCat("--param ", key, " given more than once"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view StreamUsage() { return kUsage; }

absl::StatusOr<StreamOptions> ParseStreamOptions(absl::Span<const char* const> args) {
  absl::StatusOr<ParsedFlags> flags = ParseFlags(kFlags, args);
  if (!flags.ok()) return flags.status();
  StreamOptions options;
  if (flags->Has("help")) {
    options.help = true;
    return options;
  }
  if (!flags->positional().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument '",
                                                   flags->positional().front(),
                                                   "' (use --prompt TEXT to send text)"));
  }
  options.model = flags->ValueOr("model", "");
  if (options.model.empty()) return absl::InvalidArgumentError("--model is required");
  options.target = flags->ValueOr("target", kDefaultTarget);
  if (options.target.empty()) return absl::InvalidArgumentError("--target must not be empty");
  options.version = flags->ValueOr("version", "");
  options.stream_id = flags->ValueOr("stream-id", "");
  if (flags->Has("prompt")) options.prompt = flags->ValueOr("prompt", "");
  for (const std::string& param : flags->Values("param")) {
    if (absl::Status status = AddParameter(param, &options.parameters); !status.ok()) {
      return status;
    }
  }
  if (flags->Has("timeout")) {
    options.timeout_text = flags->ValueOr("timeout", "");
    double seconds = 0;
    if (!absl::SimpleAtod(options.timeout_text, &seconds) || !std::isfinite(seconds) ||
        seconds <= 0 || seconds > kMaxTimeoutSeconds) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--timeout wants a positive number of seconds, got '", options.timeout_text, "'"));
    }
    options.timeout = absl::Seconds(seconds);
  }
  options.raw = flags->Has("raw");
  return options;
}

}  // namespace sluice::cli
