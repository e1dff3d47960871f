// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluice_stream_bench: runs the same streaming workloads against sluiced and against
// bare_echo_server (the transport's ceiling) in one invocation, interleaving the two
// within each round, and prints both figures and their ratio.

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>

#include "bench/server_process.h"
#include "bench/stream_load.h"

namespace sluice::bench {
namespace {

constexpr size_t kPayloadBytes = 64;
constexpr int kManyStreams = 16;

struct Flags {
  std::string sluiced_path;
  std::string bare_path;
  std::string sluiced_target;  // Use a running server instead of spawning one.
  std::string bare_target;
  std::string server_cpus;  // CPU lists; empty = no pinning.
  std::string client_cpus;
  double seconds = 3;
  double warmup_seconds = 0.5;
  int rounds = 3;
  int window = 128;  // Requests outstanding per stream in the pipelined workloads.
  bool json = false;
  bool server_logs = false;
};

enum Metric { kPipelinedOne, kPipelinedMany, kPingPongP50, kPingPongP99, kMetricCount };

struct MetricInfo {
  const char* name;  // Row label in the table.
  const char* key;   // JSON key.
  const char* unit;
};

constexpr std::array<MetricInfo, kMetricCount> kMetrics = {{
    {"pipelined 64B x1 stream", "pipelined_x1_msgs_per_s", "msg/s"},
    {"pipelined 64B x16", "pipelined_x16_msgs_per_s", "msg/s"},
    {"ping-pong 64B p50", "ping_pong_p50_us", "us"},
    {"ping-pong 64B p99", "ping_pong_p99_us", "us"},
}};

// One of the two servers under comparison and everything measured on it.
struct Server {
  std::string label;
  std::string path;                                       // Spawned when `fixed_target` is empty.
  std::string fixed_target;                               // --target-<label>.
  std::array<std::vector<double>, kMetricCount> samples;  // One per round.
  uint64_t failed_streams = 0;
  uint64_t mismatches = 0;
  std::vector<std::string> problems;
};

struct Summary {
  double median = NAN;
  double min = NAN;
  double max = NAN;
};

Summary Summarize(std::vector<double> values) {
  Summary summary;
  if (values.empty()) return summary;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  summary.median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  summary.min = values.front();
  summary.max = values.back();
  return summary;
}

// 512000 -> "512,000".
std::string WithThousands(double value) {
  std::string digits = absl::StrCat(static_cast<int64_t>(std::llround(value)));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0 && digits[i - 1] != '-'; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return digits;
}

std::string FormatValue(double value, const char* unit) {
  if (std::isnan(value)) return "n/a";
  if (std::strcmp(unit, "us") == 0) return absl::StrFormat("%.1f", value);
  return WithThousands(value);
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumber(double value) {
  return std::isnan(value) ? "null" : absl::StrFormat("%.10g", value);
}

void RecordLoad(const StreamLoadResult& result, Server& server) {
  server.failed_streams += result.failed_streams;
  server.mismatches += result.mismatches;
  for (const std::string& problem : result.problems) {
    std::fprintf(stderr, "  %s: %s\n", server.label.c_str(), problem.c_str());
    if (server.problems.size() < 20) server.problems.push_back(problem);
  }
}

// Runs every workload once against `target`, appending one sample per metric.
void RunWorkloads(const std::string& target, const Flags& flags, Server& server) {
  StreamLoadOptions options;
  options.target = target;
  options.payload_bytes = kPayloadBytes;
  options.warmup_seconds = flags.warmup_seconds;
  options.seconds = flags.seconds;

  options.streams = 1;
  options.window = flags.window;
  StreamLoadResult one = RunStreamLoad(options);
  RecordLoad(one, server);
  server.samples[kPipelinedOne].push_back(one.messages_per_second);

  options.streams = kManyStreams;
  StreamLoadResult many = RunStreamLoad(options);
  RecordLoad(many, server);
  server.samples[kPipelinedMany].push_back(many.messages_per_second);

  options.streams = 1;
  options.window = 1;
  StreamLoadResult ping_pong = RunStreamLoad(options);
  RecordLoad(ping_pong, server);
  server.samples[kPingPongP50].push_back(Percentile(ping_pong.latencies_us, 0.50));
  server.samples[kPingPongP99].push_back(Percentile(ping_pong.latencies_us, 0.99));

  std::fprintf(stderr, "  %-8s x1 %s msg/s, x16 %s msg/s, ping-pong p50 %.1f us p99 %.1f us\n",
               server.label.c_str(), WithThousands(one.messages_per_second).c_str(),
               WithThousands(many.messages_per_second).c_str(), server.samples[kPingPongP50].back(),
               server.samples[kPingPongP99].back());
}

void PrintTable(const Flags& flags, const Server& bare, const Server& sluiced) {
  std::printf(
      "sluice_stream_bench: %zu-byte payloads, window %d, %.1f s measured after %.1f s "
      "warm-up, median of %d round(s)%s\n",
      kPayloadBytes, flags.window, flags.seconds, flags.warmup_seconds, flags.rounds,
      flags.rounds > 1 ? " with min-max below" : "");
  for (const Server* server : {&bare, &sluiced}) {
    std::printf("  %-8s %s\n", server->label.c_str(),
                server->fixed_target.empty() ? server->path.c_str() : server->fixed_target.c_str());
  }
  std::printf("  cpus: server %s, client %s\n\n",
              flags.server_cpus.empty() ? "unpinned" : flags.server_cpus.c_str(),
              flags.client_cpus.empty() ? "unpinned" : flags.client_cpus.c_str());
  std::printf("%-26s%-20s%-20s%s\n", "workload", "bare", "sluiced", "ratio (sluiced/bare)");
  for (int m = 0; m < kMetricCount; ++m) {
    const MetricInfo& info = kMetrics[static_cast<size_t>(m)];
    const Summary b = Summarize(bare.samples[static_cast<size_t>(m)]);
    const Summary s = Summarize(sluiced.samples[static_cast<size_t>(m)]);
    std::printf("%-26s%-20s%-20s%s\n", info.name,
                absl::StrCat(FormatValue(b.median, info.unit), " ", info.unit).c_str(),
                absl::StrCat(FormatValue(s.median, info.unit), " ", info.unit).c_str(),
                b.median > 0 ? absl::StrFormat("%.2f", s.median / b.median).c_str() : "n/a");
    if (flags.rounds > 1) {
      std::printf(
          "%-26s%-20s%s\n", "  min-max",
          absl::StrCat(FormatValue(b.min, info.unit), "-", FormatValue(b.max, info.unit)).c_str(),
          absl::StrCat(FormatValue(s.min, info.unit), "-", FormatValue(s.max, info.unit)).c_str());
    }
  }
  std::printf("\n");
  for (const Server* server : {&bare, &sluiced}) {
    std::printf("%-8s errors: %llu failed streams, %llu mismatched responses\n",
                server->label.c_str(), static_cast<unsigned long long>(server->failed_streams),
                static_cast<unsigned long long>(server->mismatches));
    for (const std::string& problem : server->problems) {
      std::printf("  %s\n", problem.c_str());
    }
  }
}

void PrintJson(const Flags& flags, const Server& bare, const Server& sluiced) {
  std::string out = absl::StrFormat(
      "{\n  \"config\": {\"payload_bytes\": %zu, \"window\": %d, \"streams_many\": %d, "
      "\"seconds\": %s, \"warmup_seconds\": %s, \"rounds\": %d, \"server_cpus\": %s, "
      "\"client_cpus\": %s},\n  \"servers\": {",
      kPayloadBytes, flags.window, kManyStreams, JsonNumber(flags.seconds),
      JsonNumber(flags.warmup_seconds), flags.rounds, JsonString(flags.server_cpus),
      JsonString(flags.client_cpus));
  for (const Server* server : {&bare, &sluiced}) {
    absl::StrAppend(&out, server == &bare ? "\n" : ",\n", "    ", JsonString(server->label),
                    ": {\"path\": ", JsonString(server->fixed_target.empty() ? server->path : ""),
                    ", \"target\": ", JsonString(server->fixed_target),
                    ", \"failed_streams\": ", server->failed_streams,
                    ", \"mismatches\": ", server->mismatches, ", \"problems\": [");
    for (size_t i = 0; i < server->problems.size(); ++i) {
      absl::StrAppend(&out, i == 0 ? "" : ", ", JsonString(server->problems[i]));
    }
    absl::StrAppend(&out, "]}");
  }
  absl::StrAppend(&out, "\n  },\n  \"workloads\": [");
  for (int m = 0; m < kMetricCount; ++m) {
    const MetricInfo& info = kMetrics[static_cast<size_t>(m)];
    absl::StrAppend(&out, m == 0 ? "\n" : ",\n", "    {\"name\": ", JsonString(info.name),
                    ", \"key\": ", JsonString(info.key), ", \"unit\": ", JsonString(info.unit));
    double medians[2] = {NAN, NAN};
    for (const Server* server : {&bare, &sluiced}) {
      const std::vector<double>& rounds = server->samples[static_cast<size_t>(m)];
      const Summary summary = Summarize(rounds);
      medians[server == &bare ? 0 : 1] = summary.median;
      absl::StrAppend(&out, ", ", JsonString(server->label),
                      ": {\"median\": ", JsonNumber(summary.median),
                      ", \"min\": ", JsonNumber(summary.min),
                      ", \"max\": ", JsonNumber(summary.max), ", \"rounds\": [");
      for (size_t i = 0; i < rounds.size(); ++i) {
        absl::StrAppend(&out, i == 0 ? "" : ", ", JsonNumber(rounds[i]));
      }
      absl::StrAppend(&out, "]}");
    }
    absl::StrAppend(
        &out, ", \"ratio\": ", JsonNumber(medians[0] > 0 ? medians[1] / medians[0] : NAN), "}");
  }
  absl::StrAppend(&out, "\n  ]\n}\n");
  std::fputs(out.c_str(), stdout);
}

void PrintUsage() {
  std::fprintf(
      stderr,
      "usage: sluice_stream_bench [flags]\n"
      "Runs the same bidi Stream workloads against sluiced and bare_echo_server and\n"
      "prints both and their ratio.\n"
      "  --sluiced PATH           sluiced binary (default: <bench dir>/../engine/sluiced)\n"
      "  --bare PATH              bare_echo_server binary (default: <bench dir>/bare_echo_server)\n"
      "  --target-sluiced H:P     measure a running sluiced instead of spawning one\n"
      "  --target-bare H:P        measure a running bare server instead of spawning one\n"
      "  --server-cpu LIST        pin spawned servers to CPUs, e.g. 1 or 0,2-3\n"
      "  --client-cpu LIST        pin this client to CPUs\n"
      "  --seconds S              measured seconds per run (default 3)\n"
      "  --warmup S               unmeasured seconds before each run (default 0.5)\n"
      "  --rounds R               rounds, each running bare then sluiced (default 3)\n"
      "  --window N               requests outstanding per pipelined stream (default 128)\n"
      "  --json                   print JSON instead of the table\n"
      "  --server-logs            copy the servers' stdout/stderr to stderr\n");
}

// Returns false (after printing why) on a bad command line.
bool ParseFlags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    std::string value;
    bool has_value = false;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    auto take_value = [&]() {
      if (!has_value && i + 1 < argc) {
        value = argv[++i];
        has_value = true;
      }
      return has_value;
    };
    bool ok = true;
    if (name == "--json") {
      flags.json = true;
    } else if (name == "--server-logs") {
      flags.server_logs = true;
    } else if (name == "--help" || name == "-h") {
      PrintUsage();
      std::exit(0);
    } else if (!take_value()) {
      ok = false;
    } else if (name == "--sluiced") {
      flags.sluiced_path = value;
    } else if (name == "--bare") {
      flags.bare_path = value;
    } else if (name == "--target-sluiced") {
      flags.sluiced_target = value;
    } else if (name == "--target-bare") {
      flags.bare_target = value;
    } else if (name == "--server-cpu") {
      flags.server_cpus = value;
    } else if (name == "--client-cpu") {
      flags.client_cpus = value;
    } else if (name == "--seconds") {
      ok = absl::SimpleAtod(value, &flags.seconds) && flags.seconds > 0;
    } else if (name == "--warmup") {
      ok = absl::SimpleAtod(value, &flags.warmup_seconds) && flags.warmup_seconds >= 0;
    } else if (name == "--rounds") {
      ok = absl::SimpleAtoi(value, &flags.rounds) && flags.rounds > 0;
    } else if (name == "--window") {
      ok = absl::SimpleAtoi(value, &flags.window) && flags.window > 0;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "sluice_stream_bench: bad flag '%s'\n", argv[i]);
      PrintUsage();
      return false;
    }
  }
  return true;
}

std::filesystem::path OwnDirectory() {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::current_path() : exe.parent_path();
}

int Run(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, flags)) return 2;
  const std::filesystem::path own_dir = OwnDirectory();
  if (flags.sluiced_path.empty()) {
    flags.sluiced_path = (own_dir / ".." / "engine" / "sluiced").lexically_normal().string();
  }
  if (flags.bare_path.empty()) flags.bare_path = (own_dir / "bare_echo_server").string();

  // Servers get --server-cpu, or else the affinity we started with, never the
  // client's pinning (fork would pass that on).
  cpu_set_t server_cpus;
  sched_getaffinity(0, sizeof(server_cpus), &server_cpus);
  if (!flags.server_cpus.empty()) {
    if (absl::Status parsed = ParseCpuList(flags.server_cpus, server_cpus); !parsed.ok()) {
      std::fprintf(stderr, "sluice_stream_bench: --server-cpu: %s\n", parsed.ToString().c_str());
      return 2;
    }
  }
  // Pin before gRPC starts any thread, so that all of them inherit it.
  if (!flags.client_cpus.empty()) {
    cpu_set_t client_cpus;
    if (absl::Status parsed = ParseCpuList(flags.client_cpus, client_cpus); !parsed.ok()) {
      std::fprintf(stderr, "sluice_stream_bench: --client-cpu: %s\n", parsed.ToString().c_str());
      return 2;
    }
    if (sched_setaffinity(0, sizeof(client_cpus), &client_cpus) != 0) {
      std::fprintf(stderr, "sluice_stream_bench: sched_setaffinity: %s\n", std::strerror(errno));
      return 2;
    }
  }

  // Fail before measuring anything rather than after the first server's runs.
  for (const auto& [path, target] : {std::pair{flags.bare_path, flags.bare_target},
                                     std::pair{flags.sluiced_path, flags.sluiced_target}}) {
    if (target.empty() && access(path.c_str(), X_OK) != 0) {
      std::fprintf(stderr, "sluice_stream_bench: cannot execute '%s': %s (see --help)\n",
                   path.c_str(), std::strerror(errno));
      return 1;
    }
  }

  Server bare;
  bare.label = "bare";
  bare.path = flags.bare_path;
  bare.fixed_target = flags.bare_target;
  Server sluiced;
  sluiced.label = "sluiced";
  sluiced.path = flags.sluiced_path;
  sluiced.fixed_target = flags.sluiced_target;
  bool clean_exits = true;
  for (int round = 1; round <= flags.rounds; ++round) {
    std::fprintf(stderr, "round %d/%d\n", round, flags.rounds);
    for (Server* server : {&bare, &sluiced}) {
      if (!server->fixed_target.empty()) {
        RunWorkloads(server->fixed_target, flags, *server);
        continue;
      }
      ServerProcessOptions spawn;
      spawn.label = server->label;
      spawn.path = server->path;
      spawn.args = {"--listen", "127.0.0.1:0"};
      spawn.cpus = server_cpus;
      spawn.forward_logs = flags.server_logs;
      absl::StatusOr<std::unique_ptr<ServerProcess>> process = ServerProcess::Start(spawn);
      if (!process.ok()) {
        std::fprintf(stderr, "sluice_stream_bench: cannot start %s: %s\n", server->label.c_str(),
                     process.status().ToString().c_str());
        return 1;
      }
      RunWorkloads((*process)->target(), flags, *server);
      if (absl::Status stopped = (*process)->Stop(); !stopped.ok()) {
        clean_exits = false;
        std::fprintf(stderr, "  %s\n", std::string(stopped.message()).c_str());
        if (server->problems.size() < 20) server->problems.emplace_back(stopped.message());
      }
    }
  }

  if (flags.json) {
    PrintJson(flags, bare, sluiced);
  } else {
    PrintTable(flags, bare, sluiced);
  }
  std::fflush(stdout);
  const bool all_good = clean_exits && bare.failed_streams == 0 && bare.mismatches == 0 &&
                        sluiced.failed_streams == 0 && sluiced.mismatches == 0;
  return all_good ? 0 : 1;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) { return sluice::bench::Run(argc, argv); }
