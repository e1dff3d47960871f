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

constexpr size_t kPayloadBytes = 64;  // Ping-pong and unary.
constexpr int kUnaryInFlight = 64;
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kBlobBytes = 256 * kMiB;  // Per Generate call.
constexpr uint64_t kChunkBytes = kMiB;
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

void RunWorkload(Workload workload, const std::string& target, const ServerProbes& probes,
                 const WorkloadSettings& settings, ServerFigures& server) {
  const WorkloadInfo& info = InfoOf(workload);
  StreamLoadOptions options;
  options.target = target;
  options.model = ModelFor(server.models, info.method);
  options.streams = info.streams;
  options.payload_bytes = info.payload_bytes;
  options.warmup_seconds = settings.warmup_seconds;
  options.seconds = settings.seconds;
  options.server_cpu_seconds = probes.cpu_seconds;
  options.server_rss_bytes = probes.rss_bytes;
  options.window = settings.window;
  if (probes.reset_peak_rss) probes.reset_peak_rss();

  StreamLoadResult result;
  std::string figures;
  Metric rss_metric = kRssIdle;
  // The rate metric and the CPU metric of the throughput workloads.
  auto rate = [&](Metric rate_metric, Metric cpu_metric, const char* unit) {
    Sample(server, rate_metric, result, result.units_per_second);
    Sample(server, cpu_metric, result, CpuMicrosPer(result));
    figures = absl::StrFormat("%.0f %s/s, %.2f us/%s", result.units_per_second, unit,
                              CpuMicrosPer(result), unit);
  };
  switch (workload) {
    case Workload::kPipelinedOne:
      result = RunStreamLoad(options);
      rate(kPipelinedOne, kCpuPipelinedOne, "msg");
      rss_metric = kRssPipelinedOne;
      break;
    case Workload::kPipelinedMany:
      result = RunStreamLoad(options);
      rate(kPipelinedMany, kCpuPipelinedMany, "msg");
      rss_metric = kRssPipelinedMany;
      break;
    case Workload::kPipelinedKiBOne:
      result = RunStreamLoad(options);
      rate(kPipelinedKiBOne, kCpuPipelinedKiBOne, "msg");
      rss_metric = kRssPipelinedKiBOne;
      break;
    case Workload::kPipelinedKiBMany:
      result = RunStreamLoad(options);
      rate(kPipelinedKiBMany, kCpuPipelinedKiBMany, "msg");
      rss_metric = kRssPipelinedKiBMany;
      break;
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
      rss_metric = kRssPingPong;
      break;
    }
    case Workload::kUnaryOne:
      result = RunUnaryLoad(options);
      rate(kUnaryOne, kCpuUnaryOne, "call");
      rss_metric = kRssUnaryOne;
      break;
    case Workload::kUnary:
      result = RunUnaryLoad(options);
      rate(kUnary, kCpuUnary, "call");
      rss_metric = kRssUnary;
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
      rss_metric = kRssGenerate;
      break;
    }
    case Workload::kIngestOne:
      result = RunIngestLoad(options);
      rate(kIngestOne, kCpuIngestOne, "reading");
      rss_metric = kRssIngestOne;
      break;
    case Workload::kIngestMany:
      result = RunIngestLoad(options);
      rate(kIngestMany, kCpuIngestMany, "reading");
      rss_metric = kRssIngestMany;
      break;
    case Workload::kIngest256One:
      result = RunIngestLoad(options);
      rate(kIngest256One, kCpuIngest256One, "reading");
      rss_metric = kRssIngest256One;
      break;
    case Workload::kIngest256Many:
      result = RunIngestLoad(options);
      rate(kIngest256Many, kCpuIngest256Many, "reading");
      rss_metric = kRssIngest256Many;
      break;
    case Workload::kIngest256Huge:
      result = RunIngestLoad(options);
      rate(kIngest256Huge, kCpuIngest256Huge, "reading");
      rss_metric = kRssIngest256Huge;
      break;
    case Workload::kIdle: {
      result = RunIdleLoad(options);
      const double growth = result.rss_after_bytes - result.rss_before_bytes;
      const double per_stream = growth / static_cast<double>(result.measured_units);
      Sample(server, kIdleBytesPerStream, result, per_stream);
      Sample(server, kIdleRssBefore, result, result.rss_before_bytes / kMiB);
      Sample(server, kIdleRssAfter, result, result.rss_after_bytes / kMiB);
      figures =
          absl::StrFormat("%.0f bytes/stream (RSS %.1f -> %.1f MiB), %llu established", per_stream,
                          result.rss_before_bytes / kMiB, result.rss_after_bytes / kMiB,
                          static_cast<unsigned long long>(result.measured_units));
      break;
    }
  }
  const double peak = probes.peak_rss_bytes ? probes.peak_rss_bytes() : NAN;
  Sample(server, rss_metric, result, peak / kMiB);
  absl::StrAppendFormat(&figures, ", peak RSS %.1f MiB", peak / kMiB);
  RecordLoad(result, info.name, server);
  const std::string client_cpu =
      std::isnan(result.client_cpu_share)
          ? ""
          : absl::StrFormat(", client CPU %.0f%%", result.client_cpu_share * 100);
  std::fprintf(stderr, "  %-14s %-16s %s%s%s\n", server.label.c_str(), info.name, figures.c_str(),
               client_cpu.c_str(), result.model_missing ? " (model missing)" : "");
}

std::vector<std::string> DescribeWorkloads(const std::vector<Workload>& selected, int window) {
  auto has = [&selected](Workload workload) {
    return std::find(selected.begin(), selected.end(), workload) != selected.end();
  };
  std::vector<std::string> bidi;
  for (const Workload pipelined : {Workload::kPipelinedOne, Workload::kPipelinedMany,
                                   Workload::kPipelinedKiBOne, Workload::kPipelinedKiBMany}) {
    if (!has(pipelined)) continue;
    const WorkloadInfo& info = InfoOf(pipelined);
    bidi.push_back(absl::StrCat(info.name, " = ", info.streams, " stream",
                                info.streams == 1 ? "" : "s", " of ", info.payload_bytes,
                                "-byte payloads, window ", window));
  }
  if (has(Workload::kPingPong)) {
    bidi.push_back(absl::StrCat("ping-pong = 1 stream, window 1, ", kPayloadBytes, " bytes"));
  }
  std::vector<std::string> lines;
  if (!bidi.empty()) lines.push_back(absl::StrCat("Stream (bidi): ", absl::StrJoin(bidi, "; ")));
  std::vector<std::string> unary;
  if (has(Workload::kUnaryOne)) unary.push_back("1");
  if (has(Workload::kUnary)) unary.push_back(absl::StrCat(kUnaryInFlight));
  if (!unary.empty()) {
    lines.push_back(absl::StrCat("Infer (unary), ", kPayloadBytes, "-byte payloads: ",
                                 absl::StrJoin(unary, " or "), " calls in flight on one channel"));
  }
  if (has(Workload::kGenerate)) {
    lines.push_back(absl::StrCat("Generate (server streaming): one call at a time, each for ",
                                 kBlobBytes / kMiB, " MiB in ", kChunkBytes / kMiB,
                                 " MiB chunks; GB = 10^9 bytes of payload received"));
  }
  std::vector<std::string> ingest;
  for (const Workload load : {Workload::kIngestOne, Workload::kIngestMany, Workload::kIngest256One,
                              Workload::kIngest256Many, Workload::kIngest256Huge}) {
    if (!has(load)) continue;
    const WorkloadInfo& info = InfoOf(load);
    ingest.push_back(absl::StrCat(info.name, " = ", info.streams, " x ", info.payload_bytes, " B"));
  }
  if (!ingest.empty()) {
    lines.push_back(
        absl::StrCat("Ingest (client streaming): streams sending CSV readings valid for "
                     "the sensors model back to back, then half-closing (",
                     absl::StrJoin(ingest, ", "), "); a reading counts when its write completes"));
  }
  if (has(Workload::kIdle)) {
    lines.push_back(absl::StrCat("idle-10k: ", InfoOf(Workload::kIdle).streams,
                                 " bidi streams on one channel, one ", kPayloadBytes,
                                 "-byte echo each, then idle; on a fresh server each round"));
  }
  return lines;
}

}  // namespace sluice::bench
