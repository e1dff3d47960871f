// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The client side of sluice_stream_bench: the options and figures of one run of a
// workload, and the bidi load, which drives sluice.v1.Inference/Stream calls with a
// bounded window of outstanding requests and checks every response. The other RPC
// kinds' loads are in call_loads.h.

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
  std::string model = "echo";  // Sent on each call's first request.
  // Concurrent calls on one channel: bidi or Ingest streams, or unary calls in
  // flight. Generate runs one call at a time and ignores it.
  int streams = 1;
  int window = 128;  // Bidi: requests outstanding per stream; 1 is ping-pong.
  size_t payload_bytes = 64;
  uint64_t blob_bytes = 256 << 20;    // Generate: bytes each call asks for...
  uint64_t chunk_bytes = 1 << 20;     // ...in chunks of this size.
  double warmup_seconds = 0.5;        // Run, but not measured.
  double seconds = 3;                 // Measured.
  double drain_timeout_seconds = 10;  // After the run, before cancelling the calls.
  // Optional: the server's CPU time so far in seconds (NaN if unknown), read at the
  // start and the end of the measured interval on the thread running RunStreamLoad().
  std::function<double()> server_cpu_seconds;
  // Idle load: the server's resident memory in bytes (NaN if unknown), read before
  // the streams open and once they are all established.
  std::function<double()> server_rss_bytes;
};

// The measured unit is a response (bidi, unary), a reading sent (Ingest) or a byte
// received (Generate).
struct StreamLoadResult {
  // Units per second during the measured interval, over all calls.
  double units_per_second = 0;
  // Round-trip times in microseconds of the requests sent and answered during the
  // measured interval, sorted ascending.
  std::vector<double> latencies_us;
  uint64_t measured_units = 0;  // During the measured interval.
  // Server CPU time spent during the measured interval, or NaN when not sampled.
  double server_cpu_seconds = NAN;
  // This process's CPU time in the measured interval over its length: near 1 with
  // the client pinned to one core means the client, not the server, set the pace.
  double client_cpu_share = NAN;
  uint64_t responses = 0;       // Over the whole run, warm-up included.
  uint64_t mismatches = 0;      // Responses that do not answer what was sent, in order.
  uint64_t failed_streams = 0;  // Calls that ended with a non-OK status.
  // Whether a failed call said the model does not exist (NOT_FOUND): the server
  // predates it, so the workload is reported as not measurable, not as broken.
  bool model_missing = false;
  // Idle load: the server's resident memory before and after opening the streams.
  double rss_before_bytes = NAN;
  double rss_after_bytes = NAN;
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
