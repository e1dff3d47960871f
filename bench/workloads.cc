// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluice_stream_bench's workloads: the sizes and counts each one uses, and the turning
// of a run's result into samples of its metrics.

#include "bench/workloads.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>

#include "bench/call_loads.h"
#include "bench/stream_load.h"

namespace sluice::bench {
namespace {

constexpr size_t kPayloadBytes = 64;  // Stream and Infer.
constexpr int kUnaryInFlight = 64;
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kBlobBytes = 256 * kMiB;  // Per Generate call.
constexpr uint64_t kChunkBytes = kMiB;
constexpr size_t kReadingBytes = 100;
constexpr int kManyIngestStreams = 64;
constexpr size_t kMaxProblems = 20;  // Kept per server for the report.

void RecordLoad(const StreamLoadResult& result, const char* workload, ServerFigures& server) {
  server.failed_streams += result.failed_streams;
  server.mismatches += result.mismatches;
  for (const std::string& problem : result.problems) {
    std::fprintf(stderr, "  %s %s: %s\n", server.label.c_str(), workload, problem.c_str());
    if (server.problems.size() < kMaxProblems) {
      server.problems.push_back(absl::StrCat(workload, ": ", problem));
    }
  }
}

// Microseconds of server CPU per `units_per_unit` measured units, or NaN.
double CpuMicrosPer(const StreamLoadResult& result, double units_per_unit = 1) {
  if (result.measured_units == 0) return NAN;
  return result.server_cpu_seconds * 1e6 * units_per_unit /
         static_cast<double>(result.measured_units);
}

// Appends a sample to `metric`, or NaN if the server lacks the model or the run
// failed outright.
void Sample(ServerFigures& server, Metric metric, const StreamLoadResult& result, double value) {
  if (result.model_missing) server.model_missing[metric] = true;
  const bool failed = result.model_missing || result.measured_units == 0;
  server.samples[metric].push_back(failed ? NAN : value);
}

}  // namespace

const WorkloadInfo& InfoOf(Workload workload) {
  return *std::find_if(kWorkloads.begin(), kWorkloads.end(),
                       [workload](const WorkloadInfo& info) { return info.id == workload; });
}

const std::string& ModelFor(const ServerModels& models, Method method) {
  switch (method) {
    case Method::kStream:
      return models.stream;
    case Method::kInfer:
      return models.unary;
    case Method::kGenerate:
      return models.generate;
    case Method::kIngest:
      break;
  }
  return models.ingest;
}

absl::StatusOr<std::vector<Workload>> ParseWorkloads(const std::string& list) {
  std::vector<std::string> known;
  for (const WorkloadInfo& info : kWorkloads) known.push_back(info.name);
  std::vector<bool> wanted(kWorkloads.size(), false);
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    name = absl::StripAsciiWhitespace(name);
    const auto found = std::find(known.begin(), known.end(), name);
    if (found == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown workload '", name, "'; known: ", absl::StrJoin(known, ", ")));
    }
    wanted[static_cast<size_t>(found - known.begin())] = true;
  }
  std::vector<Workload> selected;
  for (size_t i = 0; i < kWorkloads.size(); ++i) {
    if (wanted[i]) selected.push_back(kWorkloads[i].id);
  }
  if (selected.empty()) return absl::InvalidArgumentError("no workload named");
  return selected;
}

void RunWorkload(Workload workload, const std::string& target,
                 const std::function<double()>& cpu_seconds, const WorkloadSettings& settings,
                 ServerFigures& server) {
  const WorkloadInfo& info = InfoOf(workload);
  StreamLoadOptions options;
  options.target = target;
  options.model = ModelFor(server.models, info.method);
  options.payload_bytes = kPayloadBytes;
  options.warmup_seconds = settings.warmup_seconds;
  options.seconds = settings.seconds;
  options.server_cpu_seconds = cpu_seconds;
  options.window = settings.window;

  StreamLoadResult result;
  std::string figures;
  switch (workload) {
    case Workload::kPipelinedOne:
    case Workload::kPipelinedMany: {
      const bool one = workload == Workload::kPipelinedOne;
      options.streams = one ? 1 : kManyStreams;
      result = RunStreamLoad(options);
      Sample(server, one ? kPipelinedOne : kPipelinedMany, result, result.units_per_second);
      Sample(server, one ? kCpuPipelinedOne : kCpuPipelinedMany, result, CpuMicrosPer(result));
      figures =
          absl::StrFormat("%.0f msg/s, %.2f us/msg", result.units_per_second, CpuMicrosPer(result));
      break;
    }
    case Workload::kPingPong: {
      options.window = 1;
      result = RunStreamLoad(options);
      const bool timed = !result.latencies_us.empty();
      Sample(server, kPingPongP50, result, timed ? Percentile(result.latencies_us, 0.50) : NAN);
      Sample(server, kPingPongP99, result, timed ? Percentile(result.latencies_us, 0.99) : NAN);
      Sample(server, kCpuPingPong, result, CpuMicrosPer(result));
      figures = absl::StrFormat("p50 %.1f us, p99 %.1f us, %.2f us/msg",
                                server.samples[kPingPongP50].back(),
                                server.samples[kPingPongP99].back(), CpuMicrosPer(result));
      break;
    }
    case Workload::kUnary:
      options.streams = kUnaryInFlight;
      result = RunUnaryLoad(options);
      Sample(server, kUnary, result, result.units_per_second);
      Sample(server, kCpuUnary, result, CpuMicrosPer(result));
      figures = absl::StrFormat("%.0f calls/s, %.2f us/call", result.units_per_second,
                                CpuMicrosPer(result));
      break;
    case Workload::kGenerate: {
      options.blob_bytes = kBlobBytes;
      options.chunk_bytes = kChunkBytes;
      result = RunGenerateLoad(options);
      const double gb_per_second = result.units_per_second / 1e9;
      Sample(server, kGenerate, result, gb_per_second);
      Sample(server, kCpuGenerate, result, CpuMicrosPer(result, kMiB));
      figures =
          absl::StrFormat("%.3f GB/s, %.1f us/MiB", gb_per_second, CpuMicrosPer(result, kMiB));
      break;
    }
    case Workload::kIngestOne:
    case Workload::kIngestMany: {
      const bool one = workload == Workload::kIngestOne;
      options.streams = one ? 1 : kManyIngestStreams;
      options.payload_bytes = kReadingBytes;
      result = RunIngestLoad(options);
      Sample(server, one ? kIngestOne : kIngestMany, result, result.units_per_second);
      Sample(server, one ? kCpuIngestOne : kCpuIngestMany, result, CpuMicrosPer(result));
      figures = absl::StrFormat("%.0f readings/s, %.2f us/reading", result.units_per_second,
                                CpuMicrosPer(result));
      break;
    }
  }
  RecordLoad(result, info.name, server);
  std::fprintf(stderr, "  %-14s %-13s %s, client CPU %.0f%%%s\n", server.label.c_str(), info.name,
               figures.c_str(), result.client_cpu_share * 100,
               result.model_missing ? " (model missing)" : "");
}

std::vector<std::string> DescribeWorkloads(const std::vector<Workload>& selected, int window) {
  auto has = [&selected](Workload workload) {
    return std::find(selected.begin(), selected.end(), workload) != selected.end();
  };
  std::vector<std::string> bidi;
  if (has(Workload::kPipelinedOne)) bidi.push_back(absl::StrCat("x1 = 1 stream, window ", window));
  if (has(Workload::kPipelinedMany)) {
    bidi.push_back(
        absl::StrCat("x", kManyStreams, " = ", kManyStreams, " streams, window ", window));
  }
  if (has(Workload::kPingPong)) bidi.push_back("ping-pong = 1 stream, window 1");
  std::vector<std::string> lines;
  if (!bidi.empty()) {
    lines.push_back(absl::StrCat("Stream (bidi), ", kPayloadBytes,
                                 "-byte payloads: ", absl::StrJoin(bidi, "; ")));
  }
  if (has(Workload::kUnary)) {
    lines.push_back(absl::StrCat("Infer (unary), ", kPayloadBytes, "-byte payloads: ",
                                 kUnaryInFlight, " calls in flight on one channel"));
  }
  if (has(Workload::kGenerate)) {
    lines.push_back(absl::StrCat("Generate (server streaming): one call at a time, each for ",
                                 kBlobBytes / kMiB, " MiB in ", kChunkBytes / kMiB,
                                 " MiB chunks; GB = 10^9 bytes of payload received"));
  }
  if (has(Workload::kIngestOne) || has(Workload::kIngestMany)) {
    lines.push_back(absl::StrCat("Ingest (client streaming): 1 or ", kManyIngestStreams,
                                 " streams sending ", kReadingBytes,
                                 "-byte CSV readings back to back, then half-closing; a reading "
                                 "counts when its write completes"));
  }
  return lines;
}

}  // namespace sluice::bench
