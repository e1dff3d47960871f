// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The output side of sluice_stream_bench: what each server measured, and its rendering
// as a terminal table, a GitHub-markdown table or JSON, headed by the machine and date.

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace sluice::bench {

enum Metric : int {
  kPipelinedOne,
  kPipelinedMany,
  kPipelinedKiBOne,
  kPipelinedKiBMany,
  kPingPongP50,
  kPingPongP99,
  kUnaryOne,
  kUnary,
  kGenerate,
  kIngestOne,
  kIngestMany,
  kIngest256One,
  kIngest256Many,
  kIngest256Huge,
  kIdleBytesPerStream,
  kIdleRssBefore,
  kIdleRssAfter,
  kCpuPipelinedOne,  // Server CPU time per unit (response, call, MiB, reading).
  kCpuPipelinedMany,
  kCpuPipelinedKiBOne,
  kCpuPipelinedKiBMany,
  kCpuPingPong,
  kCpuUnaryOne,
  kCpuUnary,
  kCpuGenerate,
  kCpuIngestOne,
  kCpuIngestMany,
  kCpuIngest256One,
  kCpuIngest256Many,
  kCpuIngest256Huge,
  kRssPipelinedOne,  // The server's peak RSS (VmHWM) during the workload, in MiB.
  kRssPipelinedMany,
  kRssPipelinedKiBOne,
  kRssPipelinedKiBMany,
  kRssPingPong,
  kRssUnaryOne,
  kRssUnary,
  kRssGenerate,
  kRssIngestOne,
  kRssIngestMany,
  kRssIngest256One,
  kRssIngest256Many,
  kRssIngest256Huge,
  kRssIdle,
  kMetricCount
};

struct MetricInfo {
  const char* name;  // Row label, unit included.
  const char* key;   // JSON key.
  const char* unit;
  int decimals;          // -1: an integer with thousands separators.
  const char* workload;  // The --workloads name of the run that measures it.
};

inline constexpr std::array<MetricInfo, kMetricCount> kMetrics = {{
    {"pipelined x1 msg/s", "pipelined_x1_msgs_per_s", "msg/s", -1, "pipelined-x1"},
    {"pipelined x16 msg/s", "pipelined_x16_msgs_per_s", "msg/s", -1, "pipelined-x16"},
    {"pipelined 1KiB x1 msg/s", "pipelined_1kib_x1_msgs_per_s", "msg/s", -1, "pipelined-1k-x1"},
    {"pipelined 1KiB x16 msg/s", "pipelined_1kib_x16_msgs_per_s", "msg/s", -1, "pipelined-1k-x16"},
    {"ping-pong p50 us", "ping_pong_p50_us", "us", 1, "ping-pong"},
    {"ping-pong p99 us", "ping_pong_p99_us", "us", 1, "ping-pong"},
    {"unary x1 calls/s", "unary_x1_calls_per_s", "calls/s", -1, "unary-1"},
    {"unary x64 calls/s", "unary_x64_calls_per_s", "calls/s", -1, "unary-64"},
    {"generate 1 MiB chunks GB/s", "generate_1mib_gb_per_s", "GB/s", 2, "generate-1mib"},
    {"ingest x1 readings/s", "ingest_x1_readings_per_s", "readings/s", -1, "ingest-x1"},
    {"ingest x64 readings/s", "ingest_x64_readings_per_s", "readings/s", -1, "ingest-x64"},
    {"ingest 256B x1 readings/s", "ingest_256b_x1_readings_per_s", "readings/s", -1,
     "ingest-256-x1"},
    {"ingest 256B x64 readings/s", "ingest_256b_x64_readings_per_s", "readings/s", -1,
     "ingest-256-x64"},
    {"ingest 256B x1024 readings/s", "ingest_256b_x1024_readings_per_s", "readings/s", -1,
     "ingest-256-x1024"},
    {"idle 10k streams bytes/stream", "idle_10k_bytes_per_stream", "bytes/stream", -1, "idle-10k"},
    {"idle 10k RSS before MiB", "idle_10k_rss_before_mib", "MiB", 1, "idle-10k"},
    {"idle 10k RSS after MiB", "idle_10k_rss_after_mib", "MiB", 1, "idle-10k"},
    {"server CPU us/msg x1", "server_cpu_us_per_msg_x1", "us/msg", 2, "pipelined-x1"},
    {"server CPU us/msg x16", "server_cpu_us_per_msg_x16", "us/msg", 2, "pipelined-x16"},
    {"server CPU us/msg 1KiB x1", "server_cpu_us_per_msg_1kib_x1", "us/msg", 2, "pipelined-1k-x1"},
    {"server CPU us/msg 1KiB x16", "server_cpu_us_per_msg_1kib_x16", "us/msg", 2,
     "pipelined-1k-x16"},
    {"server CPU us/msg ping-pong", "server_cpu_us_per_msg_ping_pong", "us/msg", 2, "ping-pong"},
    {"server CPU us/call unary x1", "server_cpu_us_per_call_unary_x1", "us/call", 2, "unary-1"},
    {"server CPU us/call unary x64", "server_cpu_us_per_call_unary_x64", "us/call", 2, "unary-64"},
    {"server CPU us/MiB generate", "server_cpu_us_per_mib_generate", "us/MiB", 1, "generate-1mib"},
    {"server CPU us/reading ingest x1", "server_cpu_us_per_reading_ingest_x1", "us/reading", 2,
     "ingest-x1"},
    {"server CPU us/reading ingest x64", "server_cpu_us_per_reading_ingest_x64", "us/reading", 2,
     "ingest-x64"},
    {"server CPU us/reading 256B x1", "server_cpu_us_per_reading_ingest_256b_x1", "us/reading", 2,
     "ingest-256-x1"},
    {"server CPU us/reading 256B x64", "server_cpu_us_per_reading_ingest_256b_x64", "us/reading", 2,
     "ingest-256-x64"},
    {"server CPU us/reading 256B x1024", "server_cpu_us_per_reading_ingest_256b_x1024",
     "us/reading", 2, "ingest-256-x1024"},
    {"peak RSS MiB pipelined x1", "peak_rss_mib_pipelined_x1", "MiB", 1, "pipelined-x1"},
    {"peak RSS MiB pipelined x16", "peak_rss_mib_pipelined_x16", "MiB", 1, "pipelined-x16"},
    {"peak RSS MiB pipelined 1KiB x1", "peak_rss_mib_pipelined_1kib_x1", "MiB", 1,
     "pipelined-1k-x1"},
    {"peak RSS MiB pipelined 1KiB x16", "peak_rss_mib_pipelined_1kib_x16", "MiB", 1,
     "pipelined-1k-x16"},
    {"peak RSS MiB ping-pong", "peak_rss_mib_ping_pong", "MiB", 1, "ping-pong"},
    {"peak RSS MiB unary x1", "peak_rss_mib_unary_x1", "MiB", 1, "unary-1"},
    {"peak RSS MiB unary x64", "peak_rss_mib_unary_x64", "MiB", 1, "unary-64"},
    {"peak RSS MiB generate", "peak_rss_mib_generate", "MiB", 1, "generate-1mib"},
    {"peak RSS MiB ingest x1", "peak_rss_mib_ingest_x1", "MiB", 1, "ingest-x1"},
    {"peak RSS MiB ingest x64", "peak_rss_mib_ingest_x64", "MiB", 1, "ingest-x64"},
    {"peak RSS MiB ingest 256B x1", "peak_rss_mib_ingest_256b_x1", "MiB", 1, "ingest-256-x1"},
    {"peak RSS MiB ingest 256B x64", "peak_rss_mib_ingest_256b_x64", "MiB", 1, "ingest-256-x64"},
    {"peak RSS MiB ingest 256B x1024", "peak_rss_mib_ingest_256b_x1024", "MiB", 1,
     "ingest-256-x1024"},
    {"peak RSS MiB idle 10k", "peak_rss_mib_idle_10k", "MiB", 1, "idle-10k"},
}};

// The models a server is asked for, by RPC kind. Empty: the server does not run
// that kind's workloads.
struct ServerModels {
  std::string stream;  // Bidi Stream.
  std::string unary;   // Infer.
  std::string generate;
  std::string ingest;
};

// One server under comparison and everything measured on it. Plain data, owned and
// filled by the benchmark's main thread.
struct ServerFigures {
  std::string label;  // "bare", "sluiced", "sluiced/pool", ...
  // One line for the header: how it runs and what distinguishes it.
  std::string description;
  std::string path;  // The spawned binary (when `target` is empty).
  std::vector<std::string> args;
  ServerModels models;  // Named by each call's first request.
  std::string target;   // A running server to measure instead (--target-*).
  // A reference implementation (bare-async, python-aio, grpc-js): every server that is
  // neither the baseline nor a peer also gets its ratio against each peer.
  bool peer = false;
  // The --workloads names this server runs; a metric of any other is shown as "-".
  std::vector<std::string> workloads;
  // One sample per round; NaN where nothing could be measured (e.g. the CPU time
  // of a server we did not spawn).
  std::array<std::vector<double>, kMetricCount> samples;
  // Set where the server answered NOT_FOUND: it does not have the model.
  std::array<bool, kMetricCount> model_missing{};
  uint64_t failed_streams = 0;  // Failed calls, of any kind.
  uint64_t mismatches = 0;
  std::vector<std::string> problems;  // The first few, for a human.
};

// How the figures were produced, printed above them.
struct RunDescription {
  std::string command_line;
  // What each workload run does, one line per group, for the header.
  std::vector<std::string> workload_lines;
  int window = 0;
  int streams_many = 0;
  double seconds = 0;
  double warmup_seconds = 0;
  int rounds = 0;
  std::vector<std::string> notes;  // E.g. peers skipped for a missing runtime.
  std::string server_cpus;         // Empty: unpinned.
  std::string client_cpus;
  std::string cpu_model;  // Filled by DescribeMachine().
  long cores = 0;
  std::string kernel;
  std::string date;
};

// Fills the CPU model, core count, kernel and date (UTC) of `run`.
void DescribeMachine(RunDescription& run);

// Prints the table to stdout. servers[0] is the baseline every other server's ratio
// is taken against; each server that is not a peer then gets a second table of its
// ratios against each peer. A metric no server measured is left out; a server that did not
// run a metric's workload shows "-". The terminal table puts all servers side by side when that
// fits in 100 columns, and prints one block per server otherwise; the markdown table is always one
// table.
void PrintTable(const RunDescription& run, const std::vector<ServerFigures>& servers,
                bool markdown);

// Prints everything, every round of every server included, as JSON to `out`.
void PrintJson(const RunDescription& run, const std::vector<ServerFigures>& servers,
               std::FILE* out = stdout);

}  // namespace sluice::bench
