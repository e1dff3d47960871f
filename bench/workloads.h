// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The workloads of sluice_stream_bench, by name: what each sends, and how one run of
// it on one server becomes a sample of each of its metrics.

#pragma once

#include <array>
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
  kPingPong,
  kUnary,
  kGenerate,
  kIngestOne,
  kIngestMany
};

// The RPC method a workload calls, which picks the model from ServerModels.
enum class Method { kStream, kInfer, kGenerate, kIngest };

struct WorkloadInfo {
  Workload id;
  const char* name;  // For --workloads; MetricInfo::workload names it too.
  Method method;
};

inline constexpr std::array<WorkloadInfo, 7> kWorkloads = {{
    {Workload::kPipelinedOne, "pipelined-x1", Method::kStream},
    {Workload::kPipelinedMany, "pipelined-x16", Method::kStream},
    {Workload::kPingPong, "ping-pong", Method::kStream},
    {Workload::kUnary, "unary-64", Method::kInfer},
    {Workload::kGenerate, "generate-1mib", Method::kGenerate},
    {Workload::kIngestOne, "ingest-x1", Method::kIngest},
    {Workload::kIngestMany, "ingest-x64", Method::kIngest},
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

// Runs `workload` once against `target` with the server's model for its method,
// appending one sample to each of its metrics in `server`, and logs the figures to
// stderr. `cpu_seconds` reads the server's CPU time; empty when we did not spawn it.
void RunWorkload(Workload workload, const std::string& target,
                 const std::function<double()>& cpu_seconds, const WorkloadSettings& settings,
                 ServerFigures& server);

// Header lines that say what the `selected` workloads send.
std::vector<std::string> DescribeWorkloads(const std::vector<Workload>& selected, int window);

}  // namespace sluice::bench
