// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluice_stream_bench: runs the same streaming workloads against bare_echo_server (the
// transport's ceiling) and against several variants of sluiced in one invocation,
// interleaving them within each round, and prints each variant's ratio to the ceiling.

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>

#include "bench/report.h"
#include "bench/server_process.h"
#include "bench/stream_load.h"

namespace sluice::bench {
namespace {

constexpr size_t kPayloadBytes = 64;
constexpr int kManyStreams = 16;
constexpr size_t kMaxProblems = 20;  // Kept per server for the report.

struct Flags {
  std::string sluiced_path;
  std::string bare_path;
  std::string sluiced_target;  // Use a running server instead of spawning one.
  std::string bare_target;
  std::vector<std::string> variants;  // Labels from --variants; empty: all that apply.
  std::string server_cpus;            // CPU lists; empty = no pinning.
  std::string client_cpus;
  double seconds = 3;
  double warmup_seconds = 0.5;
  int rounds = 3;
  int window = 128;  // Requests outstanding per stream in the pipelined workloads.
  bool json = false;
  bool markdown = false;
  bool server_logs = false;
};

// One way of running sluiced, compared against the bare server.
struct Variant {
  std::string label;
  std::string model;  // Named by each stream's first request.
  // Flags for sluiced beyond --listen. A variant that has any needs a process of
  // its own, so it cannot be measured against --target-sluiced.
  std::vector<std::string> extra_args;
  std::string description;  // What distinguishes it, in a few words.
};

std::vector<Variant> DefaultVariants() {
  return {
      {"sluiced", "echo", {}, "the model runs inline on the stream's thread"},
      {"sluiced/pool", "echo_pool", {}, "sessions run on the model thread pool"},
      {"sluiced/posted", "echo", {"--inline_actors=false"}, "actor turns posted to the Asio pool"},
  };
}

// The variants to run: --variants in its order, or else every default that applies.
absl::StatusOr<std::vector<Variant>> SelectVariants(const Flags& flags) {
  const std::vector<Variant> defaults = DefaultVariants();
  std::vector<std::string> known;
  for (const Variant& variant : defaults) known.push_back(variant.label);
  if (flags.variants.empty()) {
    std::vector<Variant> selected;
    for (const Variant& variant : defaults) {
      if (!flags.sluiced_target.empty() && !variant.extra_args.empty()) {
        std::fprintf(stderr, "sluice_stream_bench: skipping %s: it needs its own sluiced (%s)\n",
                     variant.label.c_str(), absl::StrJoin(variant.extra_args, " ").c_str());
        continue;
      }
      selected.push_back(variant);
    }
    return selected;
  }
  std::vector<Variant> selected;
  for (const std::string& label : flags.variants) {
    const auto found = std::find_if(defaults.begin(), defaults.end(),
                                    [&](const Variant& variant) { return variant.label == label; });
    if (found == defaults.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown variant '", label, "'; known: ", absl::StrJoin(known, ", ")));
    }
    for (const Variant& chosen : selected) {
      if (chosen.label == label) {
        return absl::InvalidArgumentError(absl::StrCat("variant '", label, "' listed twice"));
      }
    }
    if (!flags.sluiced_target.empty() && !found->extra_args.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("variant '", label, "' starts sluiced with ",
                                                     absl::StrJoin(found->extra_args, " "),
                                                     ", so it cannot use --target-sluiced"));
    }
    selected.push_back(*found);
  }
  return selected;
}

void RecordLoad(const StreamLoadResult& result, ServerFigures& server) {
  server.failed_streams += result.failed_streams;
  server.mismatches += result.mismatches;
  for (const std::string& problem : result.problems) {
    std::fprintf(stderr, "  %s: %s\n", server.label.c_str(), problem.c_str());
    if (server.problems.size() < kMaxProblems) server.problems.push_back(problem);
  }
}

// Microseconds of server CPU per response in the measured interval, or NaN.
double CpuMicrosPerMessage(const StreamLoadResult& result) {
  if (result.measured_responses == 0) return NAN;
  return result.server_cpu_seconds * 1e6 / static_cast<double>(result.measured_responses);
}

// Runs every workload once against `target`, appending one sample per metric.
// `cpu_seconds` reads the server's CPU time; empty when we did not spawn it.
void RunWorkloads(const std::string& target, std::function<double()> cpu_seconds,
                  const Flags& flags, ServerFigures& server) {
  StreamLoadOptions options;
  options.target = target;
  options.model = server.model;
  options.payload_bytes = kPayloadBytes;
  options.warmup_seconds = flags.warmup_seconds;
  options.seconds = flags.seconds;
  options.server_cpu_seconds = std::move(cpu_seconds);

  options.streams = 1;
  options.window = flags.window;
  const StreamLoadResult one = RunStreamLoad(options);
  RecordLoad(one, server);
  server.samples[kPipelinedOne].push_back(one.messages_per_second);
  server.samples[kCpuPipelinedOne].push_back(CpuMicrosPerMessage(one));

  options.streams = kManyStreams;
  const StreamLoadResult many = RunStreamLoad(options);
  RecordLoad(many, server);
  server.samples[kPipelinedMany].push_back(many.messages_per_second);
  server.samples[kCpuPipelinedMany].push_back(CpuMicrosPerMessage(many));

  options.streams = 1;
  options.window = 1;
  const StreamLoadResult ping_pong = RunStreamLoad(options);
  RecordLoad(ping_pong, server);
  const bool timed = !ping_pong.latencies_us.empty();
  server.samples[kPingPongP50].push_back(timed ? Percentile(ping_pong.latencies_us, 0.50) : NAN);
  server.samples[kPingPongP99].push_back(timed ? Percentile(ping_pong.latencies_us, 0.99) : NAN);
  server.samples[kCpuPingPong].push_back(CpuMicrosPerMessage(ping_pong));

  std::fprintf(stderr,
               "  %-14s x1 %.0f msg/s %.2f us/msg, x%d %.0f msg/s %.2f us/msg, "
               "ping-pong p50 %.1f us p99 %.1f us %.2f us/msg\n",
               server.label.c_str(), one.messages_per_second, CpuMicrosPerMessage(one),
               kManyStreams, many.messages_per_second, CpuMicrosPerMessage(many),
               server.samples[kPingPongP50].back(), server.samples[kPingPongP99].back(),
               CpuMicrosPerMessage(ping_pong));
}

void PrintUsage() {
  std::fprintf(
      stderr,
      "usage: sluice_stream_bench [flags]\n"
      "Runs the same bidi Stream workloads against bare_echo_server and variants of\n"
      "sluiced, interleaved in each round, and prints each variant's ratio to bare:\n"
      "  sluiced         model echo, run inline on the stream's thread\n"
      "  sluiced/pool    model echo_pool, sessions on the model thread pool\n"
      "  sluiced/posted  model echo, sluiced --inline_actors=false\n"
      "  --variants LIST          comma-separated labels from above (default: all)\n"
      "  --sluiced PATH           sluiced binary (default: <bench dir>/../engine/sluiced)\n"
      "  --bare PATH              bare_echo_server binary (default: <bench dir>/bare_echo_server)\n"
      "  --target-sluiced H:P     measure a running sluiced instead of spawning one\n"
      "                           (sluiced/posted needs its own and is skipped)\n"
      "  --target-bare H:P        measure a running bare server instead of spawning one\n"
      "  --server-cpu LIST        pin spawned servers to CPUs, e.g. 1 or 0,2-3\n"
      "  --client-cpu LIST        pin this client to CPUs\n"
      "  --seconds S              measured seconds per run (default 3)\n"
      "  --warmup S               unmeasured seconds before each run (default 0.5)\n"
      "  --rounds R               rounds, each running bare then every variant (default 3)\n"
      "  --window N               requests outstanding per pipelined stream (default 128)\n"
      "  --markdown               print the table as GitHub markdown\n"
      "  --json                   print JSON instead of the table\n"
      "  --server-logs            copy the servers' stdout/stderr to stderr\n"
      "Each server runs 3 workloads of (warm-up + seconds) per round.\n");
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
    } else if (name == "--markdown") {
      flags.markdown = true;
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
    } else if (name == "--variants") {
      flags.variants.clear();
      for (absl::string_view label : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        flags.variants.emplace_back(absl::StripAsciiWhitespace(label));
      }
      ok = !flags.variants.empty();
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
  if (flags.json && flags.markdown) {
    std::fprintf(stderr, "sluice_stream_bench: --json and --markdown exclude each other\n");
    return false;
  }
  return true;
}

std::filesystem::path OwnDirectory() {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::current_path() : exe.parent_path();
}

// argv as a shell would need it, for the report.
std::string CommandLine(int argc, char** argv) {
  std::vector<std::string> words;
  for (int i = 0; i < argc; ++i) {
    std::string word = argv[i];
    if (word.empty() || word.find_first_of(" \t\n'\"\\$`*?;&|<>()") != std::string::npos) {
      word = absl::StrCat("'", absl::StrJoin(absl::StrSplit(word, '\''), "'\\''"), "'");
    }
    words.push_back(std::move(word));
  }
  return absl::StrJoin(words, " ");
}

// Spawns `server` (unless it has a fixed target) and runs the workloads once on it.
// Returns false if it could not be started, which ends the benchmark.
bool MeasureOnce(const Flags& flags, const cpu_set_t& server_cpus, ServerFigures& server,
                 bool& clean_exits) {
  if (!server.target.empty()) {
    RunWorkloads(server.target, nullptr, flags, server);
    return true;
  }
  ServerProcessOptions spawn;
  spawn.label = server.label;
  spawn.path = server.path;
  spawn.args = server.args;
  spawn.cpus = server_cpus;
  spawn.forward_logs = flags.server_logs;
  absl::StatusOr<std::unique_ptr<ServerProcess>> process = ServerProcess::Start(spawn);
  if (!process.ok()) {
    std::fprintf(stderr, "sluice_stream_bench: cannot start %s: %s\n", server.label.c_str(),
                 process.status().ToString().c_str());
    return false;
  }
  const ServerProcess* child = process->get();
  auto cpu_seconds = [child]() {
    const absl::StatusOr<double> seconds = child->CpuSeconds();
    return seconds.ok() ? *seconds : NAN;
  };
  RunWorkloads(child->target(), cpu_seconds, flags, server);
  if (absl::Status stopped = (*process)->Stop(); !stopped.ok()) {
    clean_exits = false;
    std::fprintf(stderr, "  %s\n", std::string(stopped.message()).c_str());
    if (server.problems.size() < kMaxProblems) server.problems.emplace_back(stopped.message());
  }
  return true;
}

int Run(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, flags)) return 2;
  const std::filesystem::path own_dir = OwnDirectory();
  if (flags.sluiced_path.empty()) {
    flags.sluiced_path = (own_dir / ".." / "engine" / "sluiced").lexically_normal().string();
  }
  if (flags.bare_path.empty()) flags.bare_path = (own_dir / "bare_echo_server").string();
  absl::StatusOr<std::vector<Variant>> variants = SelectVariants(flags);
  if (!variants.ok()) {
    std::fprintf(stderr, "sluice_stream_bench: --variants: %s\n",
                 std::string(variants.status().message()).c_str());
    return 2;
  }

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

  // servers[0] is the baseline the report divides by.
  std::vector<ServerFigures> servers(1);
  servers[0].label = "bare";
  servers[0].description = absl::StrCat(
      flags.bare_target.empty() ? "bare_echo_server" : "running at " + flags.bare_target,
      ": gRPC callback echo, the transport's ceiling");
  servers[0].path = flags.bare_path;
  servers[0].args = {"--listen", "127.0.0.1:0"};
  servers[0].model = "echo";
  servers[0].target = flags.bare_target;
  for (const Variant& variant : *variants) {
    ServerFigures& server = servers.emplace_back();
    server.label = variant.label;
    std::vector<std::string> how = {
        flags.sluiced_target.empty() ? "sluiced" : "running at " + flags.sluiced_target};
    how.insert(how.end(), variant.extra_args.begin(), variant.extra_args.end());
    server.description =
        absl::StrCat(absl::StrJoin(how, " "), ", model ", variant.model, ": ", variant.description);
    server.path = flags.sluiced_path;
    server.args = {"--listen", "127.0.0.1:0"};
    server.args.insert(server.args.end(), variant.extra_args.begin(), variant.extra_args.end());
    server.model = variant.model;
    server.target = flags.sluiced_target;
  }

  // Fail before measuring anything rather than after the first server's runs.
  for (const ServerFigures& server : servers) {
    if (server.target.empty() && access(server.path.c_str(), X_OK) != 0) {
      std::fprintf(stderr, "sluice_stream_bench: cannot execute '%s': %s (see --help)\n",
                   server.path.c_str(), std::strerror(errno));
      return 1;
    }
  }

  RunDescription run;
  run.command_line = CommandLine(argc, argv);
  run.payload_bytes = kPayloadBytes;
  run.window = flags.window;
  run.streams_many = kManyStreams;
  run.seconds = flags.seconds;
  run.warmup_seconds = flags.warmup_seconds;
  run.rounds = flags.rounds;
  run.server_cpus = flags.server_cpus;
  run.client_cpus = flags.client_cpus;
  DescribeMachine(run);

  bool clean_exits = true;
  for (int round = 1; round <= flags.rounds; ++round) {
    std::fprintf(stderr, "round %d/%d\n", round, flags.rounds);
    for (ServerFigures& server : servers) {
      if (!MeasureOnce(flags, server_cpus, server, clean_exits)) return 1;
    }
  }

  if (flags.json) {
    PrintJson(run, servers);
  } else {
    PrintTable(run, servers, flags.markdown);
  }
  std::fflush(stdout);
  bool all_good = clean_exits;
  for (const ServerFigures& server : servers) {
    all_good = all_good && server.failed_streams == 0 && server.mismatches == 0;
  }
  return all_good ? 0 : 1;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) { return sluice::bench::Run(argc, argv); }
