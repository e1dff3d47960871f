// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The validated settings of one `sluice bench` run: which RPC kind, how much concurrency, how the
// load is paced and when it ends, and the payload each request carries; parsed from the flags.

#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/call_options.h"
#include "tools/cli_flags.h"

namespace sluice::cli {

// The sluice.v1.Inference method a bench drives.
enum class BenchRpc { kInfer, kGenerate, kIngest, kStream };

// "infer", "generate", "ingest", "stream".
absl::string_view BenchRpcName(BenchRpc rpc);

// A value type, built on the main thread and then only read (also from gRPC's threads).
struct BenchOptions {
  CallOptions call;
  BenchRpc rpc = BenchRpc::kStream;
  int streams = 1;   // Concurrent calls (infer, generate) or streams (ingest, stream).
  int channels = 1;  // Connections the streams are spread over, round robin.
  // Requests per Ingest or Stream call before it half-closes and the next one opens; 0 for
  // Stream means one stream per slot for the whole run.
  uint64_t messages_per_stream = 0;
  // Stream: requests sent but not yet answered (final response), per stream.
  uint64_t window = 1;
  // Requests per second over all streams; nullopt is the closed loop.
  std::optional<double> rate;
  // The run ends after `duration` (measured, after the warm-up) or `count` measured requests,
  // whichever comes first; at least one of them is set.
  std::optional<absl::Duration> duration;
  std::optional<uint64_t> count;
  absl::Duration warmup = absl::ZeroDuration();
  // The payloads requests cycle through (one for a fixed payload).
  std::vector<std::string> payloads;
  std::optional<pid_t> server_pid;
  bool json = false;
  bool progress = false;
};

// Builds the options from the parsed command line. InvalidArgumentError names the bad flag and
// what it wants.
absl::StatusOr<BenchOptions> ParseBenchOptions(const ParsedFlags& flags, const CallOptions& call);

}  // namespace sluice::cli
