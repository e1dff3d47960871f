// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Parsing and validation of the `sluice bench` flags (see bench_options.h).

#include "tools/bench_options.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sluice/v1/inference.pb.h"
#include "tools/process_cpu.h"
#include "tools/sensor_readings.h"

namespace sluice::cli {
namespace {

constexpr int kMaxStreams = 100'000;
constexpr int kMaxChannels = 1'000;
constexpr uint64_t kMaxWindow = 1'000'000;
constexpr uint64_t kMaxCount = uint64_t{1} << 50;
constexpr uint64_t kMaxPayloadBytes = 64 << 20;
constexpr uint64_t kDefaultPayloadBytes = 64;
constexpr uint64_t kDefaultIngestMessages = 100;
constexpr absl::Duration kDefaultDuration = absl::Seconds(10);
// About 31 years, like --timeout: beyond this a number of seconds is a typo.
constexpr double kMaxSeconds = 1e9;
// Distinct sensors the generated readings cycle through (the model takes up to 1024 a stream).
constexpr int kSensors = 16;

absl::StatusOr<double> ParseSeconds(absl::string_view flag, absl::string_view text,
                                    bool zero_allowed) {
  double seconds = 0;
  if (!absl::SimpleAtod(text, &seconds) || !std::isfinite(seconds) || seconds < 0 ||
      (seconds == 0 && !zero_allowed) || seconds > kMaxSeconds) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " wants a ",
                                                   zero_allowed ? "" : "positive ",
                                                   "number of seconds, got '", text, "'"));
  }
  return seconds;
}

absl::StatusOr<BenchRpc> ParseRpc(absl::string_view text) {
  for (BenchRpc rpc :
       {BenchRpc::kInfer, BenchRpc::kGenerate, BenchRpc::kIngest, BenchRpc::kStream}) {
    if (BenchRpcName(rpc) == text) return rpc;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--rpc wants infer, generate, ingest or stream, got '", text, "'"));
}

// Readings the `sensors` model accepts, from kSensors sensors, so that ingest and stream work
// against it without --payload.
std::vector<std::string> SensorPayloads() {
  std::vector<std::string> payloads;
  for (int i = 0; i < kSensors; ++i) {
    SensorReading reading;
    reading.fields = {absl::StrCat("bench-", i), "1700000000", "21.5", "40", "1013.25", "0.02"};
    v1::InferRequest request;
    EncodeReading(reading, &request);
    payloads.push_back(request.payload());
  }
  return payloads;
}

std::string PatternPayload(size_t bytes) {
  std::string payload(bytes, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  return payload;
}

absl::Status ParsePayload(const ParsedFlags& flags, BenchOptions* options) {
  if (flags.Has("payload") && flags.Has("payload-bytes")) {
    return absl::InvalidArgumentError("--payload and --payload-bytes exclude each other");
  }
  if (flags.Has("payload")) {
    options->payloads = {flags.ValueOr("payload", "")};
  } else if (flags.Has("payload-bytes")) {
    absl::StatusOr<uint64_t> bytes =
        ParseByteSize("payload-bytes", flags.ValueOr("payload-bytes", ""), 0, kMaxPayloadBytes);
    if (!bytes.ok()) return bytes.status();
    options->payloads = {PatternPayload(*bytes)};
  } else if (options->call.model == "sensors") {
    options->payloads = SensorPayloads();
  } else {
    options->payloads = {PatternPayload(kDefaultPayloadBytes)};
  }
  return absl::OkStatus();
}

absl::Status ParseShape(const ParsedFlags& flags, BenchOptions* options) {
  absl::StatusOr<uint64_t> streams =
      ParseCount("streams", flags.ValueOr("streams", "8"), 1, kMaxStreams);
  if (!streams.ok()) return streams.status();
  options->streams = static_cast<int>(*streams);
  absl::StatusOr<uint64_t> channels =
      ParseCount("channels", flags.ValueOr("channels", "1"), 1, kMaxChannels);
  if (!channels.ok()) return channels.status();
  if (*channels > *streams) {
    return absl::InvalidArgumentError(absl::StrCat("--channels ", *channels,
                                                   " is more than --streams ", *streams,
                                                   ": a channel would carry no stream"));
  }
  options->channels = static_cast<int>(*channels);
  absl::StatusOr<uint64_t> window =
      ParseCount("window", flags.ValueOr("window", "1"), 1, kMaxWindow);
  if (!window.ok()) return window.status();
  if (flags.Has("window") && options->rpc != BenchRpc::kStream) {
    return absl::InvalidArgumentError(
        "--window applies to --rpc stream only (other kinds have one call in flight per stream; "
        "raise --streams)");
  }
  options->window = *window;
  const bool streaming = options->rpc == BenchRpc::kIngest || options->rpc == BenchRpc::kStream;
  if (flags.Has("messages-per-stream") && !streaming) {
    return absl::InvalidArgumentError(
        "--messages-per-stream applies to --rpc ingest and stream only (infer and generate send "
        "one request per call)");
  }
  const uint64_t default_messages = options->rpc == BenchRpc::kIngest ? kDefaultIngestMessages : 0;
  absl::StatusOr<uint64_t> messages =
      ParseCount("messages-per-stream", flags.ValueOr("messages-per-stream", ""), 1, kMaxCount);
  if (flags.Has("messages-per-stream") && !messages.ok()) return messages.status();
  options->messages_per_stream = flags.Has("messages-per-stream") ? *messages : default_messages;
  return absl::OkStatus();
}

absl::Status ParsePacing(const ParsedFlags& flags, BenchOptions* options) {
  if (flags.Has("rate")) {
    const std::string text = flags.ValueOr("rate", "");
    double rate = 0;
    if (!absl::SimpleAtod(text, &rate) || !std::isfinite(rate) || rate <= 0 || rate > 1e8) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--rate wants requests per second, more than 0 and at most 1e8, got '", text, "'"));
    }
    options->rate = rate;
  }
  if (flags.Has("duration")) {
    absl::StatusOr<double> seconds = ParseSeconds("duration", flags.ValueOr("duration", ""), false);
    if (!seconds.ok()) return seconds.status();
    options->duration = absl::Seconds(*seconds);
  }
  if (flags.Has("count")) {
    absl::StatusOr<uint64_t> count = ParseCount("count", flags.ValueOr("count", ""), 1, kMaxCount);
    if (!count.ok()) return count.status();
    options->count = *count;
  }
  if (!options->duration.has_value() && !options->count.has_value()) {
    options->duration = kDefaultDuration;
  }
  if (flags.Has("warmup")) {
    absl::StatusOr<double> seconds = ParseSeconds("warmup", flags.ValueOr("warmup", ""), true);
    if (!seconds.ok()) return seconds.status();
    options->warmup = absl::Seconds(*seconds);
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view BenchRpcName(BenchRpc rpc) {
  switch (rpc) {
    case BenchRpc::kInfer:
      return "infer";
    case BenchRpc::kGenerate:
      return "generate";
    case BenchRpc::kIngest:
      return "ingest";
    case BenchRpc::kStream:
      return "stream";
  }
  return "?";
}

absl::StatusOr<BenchOptions> ParseBenchOptions(const ParsedFlags& flags, const CallOptions& call) {
  BenchOptions options;
  options.call = call;
  absl::StatusOr<BenchRpc> rpc = ParseRpc(flags.ValueOr("rpc", "stream"));
  if (!rpc.ok()) return rpc.status();
  options.rpc = *rpc;
  if (absl::Status status = ParseShape(flags, &options); !status.ok()) return status;
  if (absl::Status status = ParsePacing(flags, &options); !status.ok()) return status;
  if (absl::Status status = ParsePayload(flags, &options); !status.ok()) return status;
  if (flags.Has("server-pid")) {
    const std::string text = flags.ValueOr("server-pid", "");
    int pid = 0;
    if (!absl::SimpleAtoi(text, &pid) || pid <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--server-pid wants a process id, got '", text, "'"));
    }
    if (absl::StatusOr<double> cpu = ProcessCpuSeconds(pid); !cpu.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--server-pid: ", cpu.status().message()));
    }
    options.server_pid = pid;
  }
  options.json = flags.Has("json");
  options.progress = flags.Has("progress");
  return options;
}

}  // namespace sluice::cli
