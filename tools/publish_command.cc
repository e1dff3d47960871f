// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice publish`: --message is one unary Infer; otherwise each line of --file or stdin is one
// request of a client-streaming Ingest, which the server confirms once at the end.

#include "tools/publish_command.h"

#include <cerrno>
#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/call_options.h"
#include "tools/calls.h"
#include "tools/client_channel.h"
#include "tools/command.h"
#include "tools/file_io.h"
#include "tools/line_reader.h"
#include "tools/model_parameters.h"
#include "tools/response_printer.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"topic", FlagKind::kValue},
    {"message", FlagKind::kValue},
    {"file", FlagKind::kValue},
};

constexpr CommandSpec kSpec = {
    .name = "publish",
    .flags = kFlags,
    .output_switches = true,
    .default_model = "feed",
    .usage_head = R"(Usage: sluice publish --topic NAME [--message TEXT | --file PATH] [flags]

Publishes to a topic of the `feed` model. With --message, publishes that one
item with a unary Infer call; otherwise publishes each line of --file (or of
stdin) as one item, in order, with one client-streaming Ingest call. Prints the
server's confirmation: event=published, the topic, the last item's sequence and
how many subscribers (or, for many lines, count= and deliveries=).

Flags:
  --topic NAME          the topic (required)
  --message TEXT        publish TEXT as the only item
  --file PATH           publish each line of PATH ("-" for stdin, the default)
  --model NAME          model to publish to (default feed)
  --raw                 print the confirmation as one line (see sluice stream
                        --help)
  --json                print the confirmation as one JSON object
)",
    .usage_tail = R"(
Exit status: 0 if the server confirmed, 1 if the call failed or the file cannot
be read, 2 on a usage error.

Examples:
  sluice publish --topic alerts --message "disk almost full"
  tail -n 100 events.log | sluice publish --topic events
)",
    .positional_hint = "use --message TEXT to publish text",
};

// Publishes `lines` with Ingest, each line one item; returns the exit code.
int PublishLines(const CallOptions& options, const std::string& path, LineReader& lines,
                 v1::InferResponse* confirmation) {
  std::string line;
  auto next = [&](v1::InferRequest* request) -> absl::StatusOr<bool> {
    const LineReader::Result result = lines.Next(&line);
    if (result == LineReader::Result::kError) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", DisplayPath(path)));
    }
    if (result != LineReader::Result::kLine) {
      // The first request is what names the model, so there must be one.
      if (request->sequence() == 1) {
        return absl::InvalidArgumentError(
            absl::StrCat(DisplayPath(path), " has no lines to publish"));
      }
      return false;
    }
    request->set_payload(std::move(line));
    return true;
  };
  uint64_t sent = 0;
  return RunIngest(options, next, confirmation, &sent);
}

}  // namespace

int RunPublishCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  const ParsedFlags& flags = command_line.flags();
  const std::string topic = flags.ValueOr("topic", "");
  if (topic.empty()) return command_line.UsageError("--topic is required");
  if (flags.Has("message") && flags.Has("file")) {
    return command_line.UsageError("--message and --file exclude each other");
  }
  // The topic goes with every request, so it is one more shared parameter.
  CallOptions options = command_line.call();
  options.parameters[std::string(feed::kTopic)] = topic;

  v1::InferResponse confirmation;
  int exit_code = kExitOk;
  if (flags.Has("message")) {
    v1::InferRequest request = MakeRequest(options);
    request.set_payload(flags.ValueOr("message", ""));
    exit_code = RunInfer(options, request, &confirmation);
  } else {
    const std::string path = flags.ValueOr("file", "-");
    absl::StatusOr<LineReaderPtr> lines = LineReader::Open(path);
    if (!lines.ok()) return ReportLocalFailure(lines.status());
    exit_code = PublishLines(options, path, **lines, &confirmation);
  }
  if (exit_code != kExitOk) return exit_code;
  if (absl::Status status = PrintResult(confirmation, options.output, stdout); !status.ok()) {
    return ReportLocalFailure(status);
  }
  return kExitOk;
}

}  // namespace sluice::cli
