// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The client side of sluice_stream_bench: drives sluice.v1.Inference/Stream calls
// with a bounded window of outstanding requests and checks every response.

#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sluice::bench {

struct StreamLoadOptions {
  std::string target;          // "HOST:PORT" of the server.
  std::string model = "echo";  // Sent on each stream's first request.
  int streams = 1;             // Concurrent bidi calls on one channel.
  int window = 128;            // Requests outstanding per stream; 1 is ping-pong.
  size_t payload_bytes = 64;
  double warmup_seconds = 0.5;        // Run, but not measured.
  double seconds = 3;                 // Measured.
  double drain_timeout_seconds = 10;  // After the run, before cancelling the calls.
  // Optional: the server's CPU time so far in seconds (NaN if unknown), read at the
  // start and the end of the measured interval on the thread running RunStreamLoad().
  std::function<double()> server_cpu_seconds;
};

struct StreamLoadResult {
  // Responses received per second during the measured interval, over all streams.
  double messages_per_second = 0;
  // Round-trip times in microseconds of the requests sent and answered during the
  // measured interval, sorted ascending.
  std::vector<double> latencies_us;
  uint64_t measured_responses = 0;  // During the measured interval.
  // Server CPU time spent during the measured interval, or NaN when not sampled.
  double server_cpu_seconds = NAN;
  uint64_t responses = 0;       // Over the whole run, warm-up included.
  uint64_t mismatches = 0;      // Responses that do not answer what was sent, in order.
  uint64_t failed_streams = 0;  // Calls that ended with a non-OK status.
  // The first few mismatches and failures, described for a human.
  std::vector<std::string> problems;
};

// Runs one workload against `options.target` and returns its figures. Blocks for
// about warmup_seconds + seconds. Call from one thread at a time; it creates its own
// channel, so consecutive runs never share a connection.
StreamLoadResult RunStreamLoad(const StreamLoadOptions& options);

// The value at quantile `q` (0..1) of ascending `sorted` (nearest rank), or 0.
double Percentile(const std::vector<double>& sorted, double q);

}  // namespace sluice::bench
