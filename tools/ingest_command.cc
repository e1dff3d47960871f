// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice ingest`: reads readings line by line, sends each as one request as soon as it is parsed
// (memory does not grow with the file), and checks the summary's count against what was sent.

#include "tools/ingest_command.h"

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/call_options.h"
#include "tools/calls.h"
#include "tools/client_channel.h"
#include "tools/command.h"
#include "tools/file_io.h"
#include "tools/line_reader.h"
#include "tools/model_parameters.h"
#include "tools/progress_line.h"
#include "tools/response_printer.h"
#include "tools/sensor_readings.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"file", FlagKind::kValue},
    {"format", FlagKind::kValue},
    {"progress", FlagKind::kSwitch},
};

constexpr CommandSpec kSpec = {
    .name = "ingest",
    .flags = kFlags,
    .output_switches = true,
    .default_model = "sensors",
    .usage_head = R"(Usage: sluice ingest [FILE] [flags]

Streams sensor readings to the `sensors` model with one client-streaming Ingest
call, one request per reading, and prints the summary the server answers with
at the end: one JSON line per sensor (count, time range, min/max/mean of each
quantity), then count=, sensors= and the other summary parameters.

A reading has the fields sensor_id,time,temperature,humidity,pressure,vibration;
time is seconds since the Unix epoch (or an RFC 3339 time, converted), the rest
decimal numbers.
  CSV:         one reading per row, optionally after a header row naming the
               six columns in any order. Blank lines and '#' lines are skipped.
  JSON lines:  one object per line, e.g. {"sensor_id":"s1","time":1.5,
               "temperature":21.5,"humidity":40,"pressure":1013,"vibration":0.2}
The input is FILE (or --file PATH), or stdin when neither is given or it is
"-". A bad line stops the upload with its line number and what is wrong.

Flags:
  FILE, --file PATH     the readings ("-" for stdin; default stdin)
  --format csv|jsonl    the input format (default: from the extension .csv,
                        .jsonl/.ndjson/.json; else from the first line)
  --model NAME          model to send to (default sensors)
  --progress            show readings sent and the rate on stderr even when it
                        is not a terminal (on a terminal it is always shown)
  --raw                 print the summary as one line (see sluice stream --help)
  --json                print the summary as one JSON object
)",
    .usage_tail = R"(
Exit status: 0 if the server confirmed every reading, 1 if the call failed, the
input has a bad line, or the server's count differs from what was sent, 2 on a
usage error.

Examples:
  sluice ingest readings.csv
  tail -f station.jsonl | sluice ingest --format jsonl --progress
)",
    .max_positional = 1,
    .positional_hint = "give one input: FILE or --file PATH",
};

}  // namespace

int RunIngestCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  const ParsedFlags& flags = command_line.flags();
  absl::StatusOr<std::string> path = command_line.InputPath("-");
  if (!path.ok()) return command_line.UsageError(path.status().message());
  std::optional<ReadingFormat> format = ReadingFormatFromPath(*path);
  if (flags.Has("format")) {
    format = ReadingFormatFromName(flags.ValueOr("format", ""));
    if (!format.has_value()) {
      return command_line.UsageError(
          absl::StrCat("--format wants csv or jsonl, got '", flags.ValueOr("format", ""), "'"));
    }
  }
  absl::StatusOr<LineReaderPtr> lines = LineReader::Open(*path);
  if (!lines.ok()) return ReportLocalFailure(lines.status());

  const CallOptions& options = command_line.call();
  const std::string name = DisplayPath(*path);
  ProgressLine progress(flags.Has("progress"));
  ReadingParser parser(format);
  SensorReading reading;
  std::string line;
  uint64_t line_number = 0;
  uint64_t readings = 0;
  auto next = [&](v1::InferRequest* request) -> absl::StatusOr<bool> {
    while (true) {
      const LineReader::Result result = (*lines)->Next(&line);
      if (result == LineReader::Result::kError) {
        return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", name));
      }
      if (result != LineReader::Result::kLine) {
        // The first request is what names the model, so there must be one.
        if (readings == 0) {
          return absl::InvalidArgumentError(absl::StrCat(name, " has no readings"));
        }
        return false;
      }
      ++line_number;
      absl::StatusOr<bool> parsed_line = parser.Parse(line, &reading);
      if (!parsed_line.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, ":", line_number, ": ", parsed_line.status().message()));
      }
      if (!*parsed_line) continue;
      EncodeReading(reading, request);
      ++readings;
      progress.Update([&] {
        return absl::StrCat("ingest: ", readings, " readings sent, ",
                            FormatRate(readings, progress.elapsed()));
      });
      return true;
    }
  };
  v1::InferResponse summary;
  uint64_t sent = 0;
  if (int exit_code = RunIngest(options, next, &summary, &sent, [&] { progress.Finish(); });
      exit_code != kExitOk) {
    return exit_code;
  }
  progress.Finish(absl::StrCat("ingest: ", sent, " readings sent in ",
                               absl::StrFormat("%.2f", absl::ToDoubleSeconds(progress.elapsed())),
                               " s, ", FormatRate(sent, progress.elapsed())));
  if (absl::Status status = PrintResult(summary, options.output, stdout); !status.ok()) {
    return ReportLocalFailure(status);
  }
  // Nothing lost: the server's count, when it gives one, must be what was sent.
  if (const std::string* count = FindParameter(summary, sensors::kCount);
      count != nullptr && UintParameter(summary, sensors::kCount) != sent) {
    return ReportLocalFailure(absl::DataLossError(
        absl::StrCat("the server counted ", *count, " readings, but ", sent, " were sent")));
  }
  return kExitOk;
}

}  // namespace sluice::cli
