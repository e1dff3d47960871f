// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The workloads of sluice_stream_bench, by name: what each sends, and how one run of
// it on one server becomes a sample of each of its metrics.

#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "bench/report.h"

namespace sluice::bench {

// Streams of the pipelined-x16 workload.
inline constexpr int kManyStreams = 16;

enum class Workload {
  kPipelinedOne,
  kPipelinedMany,
  kPipelinedKiBOne,
  kPipelinedKiBMany,
  kPingPong,
  kUnaryOne,
  kUnary,
  kGenerate,
  kIngestOne,
  kIngestMany,
  kIngest256One,
  kIngest256Many,
  kIngest256Huge,
  kIdle
};

// The RPC method a workload calls, which picks the model from ServerModels.
enum class Method { kStream, kInfer, kGenerate, kIngest };

struct WorkloadInfo {
  Workload id;
  const char* name;  // For --workloads; MetricInfo::workload names it too.
  Method method;
  int streams;           // Concurrent calls (bidi or Ingest streams, unary calls in flight).
  size_t payload_bytes;  // Per request: payload, or CSV reading for Ingest.
  // Run on a server of its own, started for it, so that what it measures of the
  // server's memory is not blurred by the workloads before it.
  bool fresh_server = false;
};

inline constexpr std::array<WorkloadInfo, 14> kWorkloads = {{
    {Workload::kPipelinedOne, "pipelined-x1", Method::kStream, 1, 64},
    {Workload::kPipelinedMany, "pipelined-x16", Method::kStream, kManyStreams, 64},
    {Workload::kPipelinedKiBOne, "pipelined-1k-x1", Method::kStream, 1, 1024},
    {Workload::kPipelinedKiBMany, "pipelined-1k-x16", Method::kStream, kManyStreams, 1024},
    {Workload::kPingPong, "ping-pong", Method::kStream, 1, 64},
    {Workload::kUnaryOne, "unary-1", Method::kInfer, 1, 64},
    {Workload::kUnary, "unary-64", Method::kInfer, 64, 64},
    {Workload::kGenerate, "generate-1mib", Method::kGenerate, 1, 0},
    {Workload::kIngestOne, "ingest-x1", Method::kIngest, 1, 100},
    {Workload::kIngestMany, "ingest-x64", Method::kIngest, 64, 100},
    {Workload::kIngest256One, "ingest-256-x1", Method::kIngest, 1, 256},
    {Workload::kIngest256Many, "ingest-256-x64", Method::kIngest, 64, 256},
    {Workload::kIngest256Huge, "ingest-256-x1024", Method::kIngest, 1024, 256},
    {Workload::kIdle, "idle-10k", Method::kStream, 10000, 64, /*fresh_server=*/true},
}};

const WorkloadInfo& InfoOf(Workload workload);

// The model `models` names for `method`; empty if the server does not run it.
const std::string& ModelFor(const ServerModels& models, Method method);

// Parses a comma-separated list of workload names, in kWorkloads order.
absl::StatusOr<std::vector<Workload>> ParseWorkloads(const std::string& list);

// What the runs have in common.
struct WorkloadSettings {
  double seconds = 3;
  double warmup_seconds = 0.5;
  int window = 128;  // Requests outstanding per pipelined stream.
};

// What the bench can read of a server it spawned. Every function is empty for a
// server it did not spawn (--target-*), and each returns NaN when it cannot tell.
struct ServerProbes {
  std::function<double()> cpu_seconds;     // User+system CPU time so far.
  std::function<double()> rss_bytes;       // VmRSS now.
  std::function<double()> peak_rss_bytes;  // VmHWM since the last reset.
  std::function<void()> reset_peak_rss;
};

// Runs `workload` once against `target` with the server's model for its method,
// appending one sample to each of its metrics in `server`, and logs the figures to
// stderr.
void RunWorkload(Workload workload, const std::string& target, const ServerProbes& probes,
                 const WorkloadSettings& settings, ServerFigures& server);

// Header lines that say what the `selected` workloads send.
std::vector<std::string> DescribeWorkloads(const std::vector<Workload>& selected, int window);

}  // namespace sluice::bench
