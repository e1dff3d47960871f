// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice subscribe`: one Generate call to the `feed` model. The server first confirms the
// subscription (told on stderr, so a script can wait for it before publishing), then streams
// items; notices of items dropped from a full buffer go to stderr too.

#include "tools/subscribe_command.h"

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/call_options.h"
#include "tools/calls.h"
#include "tools/model_parameters.h"
#include "tools/response_printer.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"topic", FlagKind::kValue},
    {"buffer", FlagKind::kValue},
    {"policy", FlagKind::kValue},
    {"count", FlagKind::kValue},
};

constexpr CommandSpec kSpec = {
    .name = "subscribe",
    .flags = kFlags,
    .output_switches = true,
    .default_model = "feed",
    .usage_head = R"(Usage: sluice subscribe --topic NAME [flags]

Subscribes to a topic of the `feed` model (one Generate call) and prints every
item published to it from now on, one line per item, as it arrives. Runs until
--count items arrived, the --timeout passes, the server ends the subscription,
or you press Ctrl-C. "subscribed to ..." on stderr says when the subscription
is live; items dropped because the buffer was full are reported on stderr.

Flags:
  --topic NAME          the topic (required)
  --buffer N            items the server may hold for this subscriber while it
                        reads slowly (default: the model's, 256)
  --policy P            when that buffer is full: drop-oldest (default) or
                        disconnect
  --count N             stop after N items
  --model NAME          model to subscribe to (default feed)
  --raw                 print one line per response, the subscription notice
                        included (see sluice stream --help)
  --json                print one JSON object per response
)",
    .usage_tail = R"(
Exit status: 0 when the subscription ended normally (or after --count items),
1 if the call failed, 2 on a usage error.

Examples:
  sluice subscribe --topic alerts
  sluice subscribe --topic prices --count 10 --json
)",
    .positional_hint = "name the topic with --topic",
};

// Tells stderr about the responses that are not items: the subscription going live, and items
// dropped since the last report. Returns whether `response` is an item.
bool ReportNotices(const v1::InferResponse& response, const std::string& topic,
                   uint64_t* dropped_reported) {
  const std::string* event = FindParameter(response, feed::kEvent);
  if (event != nullptr && *event == feed::kEventSubscribed) {
    const std::string* next = FindParameter(response, feed::kNextSequence);
    absl::FPrintF(stderr, "sluice: subscribed to '%s'%s\n", topic,
                  next == nullptr ? "" : absl::StrCat(" from sequence ", *next));
    std::fflush(stderr);
  }
  const uint64_t dropped = UintParameter(response, feed::kDroppedTotal).value_or(0);
  if (dropped > *dropped_reported) {
    absl::FPrintF(stderr, "sluice: %d items dropped (buffer full; %d in all)\n",
                  dropped - *dropped_reported, dropped);
    *dropped_reported = dropped;
  }
  return event == nullptr || *event == feed::kEventItem;
}

}  // namespace

int RunSubscribeCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  const ParsedFlags& flags = command_line.flags();
  const std::string topic = flags.ValueOr("topic", "");
  if (topic.empty()) return command_line.UsageError("--topic is required");
  const CallOptions& options = command_line.call();
  v1::InferRequest request = MakeRequest(options);
  auto& parameters = *request.mutable_parameters();
  parameters[std::string(feed::kTopic)] = topic;
  if (flags.Has("buffer")) {
    absl::StatusOr<uint64_t> buffer =
        ParseCount("buffer", flags.ValueOr("buffer", ""), 1, UINT32_MAX);
    if (!buffer.ok()) return command_line.UsageError(buffer.status().message());
    parameters[std::string(feed::kBuffer)] = absl::StrCat(*buffer);
  }
  if (flags.Has("policy")) parameters[std::string(feed::kPolicy)] = flags.ValueOr("policy", "");
  if (flags.Has("count")) {
    absl::StatusOr<uint64_t> count = ParseCount("count", flags.ValueOr("count", ""), 1, UINT64_MAX);
    if (!count.ok()) return command_line.UsageError(count.status().message());
    parameters[std::string(feed::kMaxItems)] = absl::StrCat(*count);
  }

  ResponsePrinter printer(options.output, stdout, stderr, ResponsePrinter::TextLayout::kLines);
  uint64_t dropped_reported = 0;
  return RunGenerate(
      options, request, [&](const v1::InferResponse& response) -> absl::StatusOr<NextStep> {
        const bool is_item = ReportNotices(response, topic, &dropped_reported);
        // In text mode only items are printed; raw and JSON show every response.
        if ((is_item || options.output != OutputFormat::kText) && !printer.Print(response)) {
          return StdoutWriteError();
        }
        return NextStep::kContinue;
      });
}

}  // namespace sluice::cli
