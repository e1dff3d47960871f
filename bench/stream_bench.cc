// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluice_stream_bench: runs the same workloads, of all four RPC kinds, against
// bare_echo_server (the transport's ceiling) and against several variants of sluiced
// in one invocation, interleaving them within each round, and prints each variant's
// ratio to the ceiling.

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
#include "bench/workloads.h"

namespace sluice::bench {
namespace {

constexpr size_t kMaxProblems = 20;  // Kept per server for the report.

struct Flags {
  std::string sluiced_path;
  std::string bare_path;
  std::string sluiced_target;  // Use a running server instead of spawning one.
  std::string bare_target;
  std::vector<std::string> variants;  // Labels from --variants; empty: all that apply.
  std::vector<Workload> workloads;    // From --workloads; empty: each server's defaults.
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
  // Named by each call's first request; an empty one skips that method's workloads.
  ServerModels models;
  // Flags for sluiced beyond --listen. A variant that has any needs a process of
  // its own, so it cannot be measured against --target-sluiced.
  std::vector<std::string> extra_args;
  std::string description;  // What distinguishes it, in a few words.
  // Without --workloads, run only the bidi Stream workloads, to keep the run short.
  bool stream_only_by_default = false;
};

std::vector<Variant> DefaultVariants() {
  return {
      {"sluiced",
       {"echo", "echo", "blob", "sensors"},
       {},
       "echo (Stream, Infer) and sensors (Ingest) are inline models (stream pool, never "
       "in a gRPC callback); blob (Generate) runs on the model pool"},
      // The demo registers blob only on the pool and sensors only inline, so Generate
      // and Ingest here would repeat the sluiced column.
      {"sluiced/pool",
       {"echo_pool", "echo_pool", "", ""},
       {},
       "echo_pool: sessions run on the model thread pool (Stream, Infer only)"},
      {"sluiced/posted",
       {"echo", "echo", "blob", "sensors"},
       {"--inline_actors=false"},
       "models as sluiced, actor turns posted to the Asio pool (Stream only unless --workloads)",
       /*stream_only_by_default=*/true},
      {"sluiced/no-metrics",
       {"echo", "echo", "blob", "sensors"},
       {"--metrics=false"},
       "models as sluiced, Prometheus metrics off (the other variants record them and serve "
       "them on a free port)"},
  };
}

// The workloads `server` runs: --workloads (or all), less those whose method it
// has no model for, and less the non-Stream ones if it asks so by default.
std::vector<std::string> WorkloadsFor(const Flags& flags, const ServerModels& models,
                                      bool stream_only_by_default) {
  std::vector<std::string> names;
  for (const WorkloadInfo& info : kWorkloads) {
    if (!flags.workloads.empty() && std::find(flags.workloads.begin(), flags.workloads.end(),
                                              info.id) == flags.workloads.end()) {
      continue;
    }
    if (ModelFor(models, info.method).empty()) continue;
    if (flags.workloads.empty() && stream_only_by_default && info.method != Method::kStream) {
      continue;
    }
    names.push_back(info.name);
  }
  return names;
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

// Runs every workload of `server` once against `target`, appending one sample per
// metric. `cpu_seconds` reads the server's CPU time; empty when we did not spawn it.
void RunWorkloads(const std::string& target, const std::function<double()>& cpu_seconds,
                  const Flags& flags, ServerFigures& server) {
  WorkloadSettings settings;
  settings.seconds = flags.seconds;
  settings.warmup_seconds = flags.warmup_seconds;
  settings.window = flags.window;
  for (const std::string& name : server.workloads) {
    const auto info = std::find_if(kWorkloads.begin(), kWorkloads.end(),
                                   [&name](const WorkloadInfo& w) { return name == w.name; });
    RunWorkload(info->id, target, cpu_seconds, settings, server);
  }
}

void PrintUsage() {
  std::fprintf(
      stderr,
      "usage: sluice_stream_bench [flags]\n"
      "Runs the same workloads against bare_echo_server and variants of sluiced,\n"
      "interleaved in each round, and prints each variant's ratio to bare:\n"
      "  sluiced         models echo and sensors inline (stream pool), blob on the model pool\n"
      "  sluiced/pool    model echo_pool, sessions on the model thread pool\n"
      "                  (Stream and Infer workloads only)\n"
      "  sluiced/posted  models as sluiced, sluiced --inline_actors=false\n"
      "                  (Stream workloads only, unless --workloads names others)\n"
      "  sluiced/no-metrics  models as sluiced, sluiced --metrics=false (the others record\n"
      "                  Prometheus metrics and serve them on a free port)\n"
      "Workloads:\n"
      "  pipelined-x1, pipelined-x16  bidi Stream, 1 or 16 streams, --window outstanding\n"
      "  ping-pong                    bidi Stream, 1 stream, one request at a time\n"
      "  unary-64                     Infer, 64 calls in flight\n"
      "  generate-1mib                Generate, 256 MiB per call in 1 MiB chunks\n"
      "  ingest-x1, ingest-x64        Ingest, 1 or 64 streams of 100-byte readings\n"
      "  --workloads LIST         comma-separated workloads from above (default: all)\n"
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
      "Each server runs each of its workloads for (warm-up + seconds) per round; with\n"
      "the defaults that is about 4 minutes for 3 rounds of 3 s.\n");
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
    } else if (name == "--workloads") {
      absl::StatusOr<std::vector<Workload>> workloads = ParseWorkloads(value);
      if (!workloads.ok()) {
        std::fprintf(stderr, "sluice_stream_bench: --workloads: %s\n",
                     std::string(workloads.status().message()).c_str());
      }
      ok = workloads.ok();
      if (ok) flags.workloads = *std::move(workloads);
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
  if (server.workloads.empty()) return true;  // --workloads left it nothing to run.
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
      ": the transport's ceiling, gRPC callback API: Stream and Infer echo; Generate copies "
      "each chunk from a pre-generated buffer and SHA-256-hashes it as blob does; Ingest only "
      "counts readings (sensors parses and aggregates each one)");
  servers[0].path = flags.bare_path;
  servers[0].args = {"--listen", "127.0.0.1:0"};
  servers[0].models = {"echo", "echo", "blob", "sensors"};  // Ignored, but sent alike.
  servers[0].target = flags.bare_target;
  servers[0].workloads = WorkloadsFor(flags, servers[0].models, false);
  for (const Variant& variant : *variants) {
    ServerFigures& server = servers.emplace_back();
    server.label = variant.label;
    std::vector<std::string> how = {
        flags.sluiced_target.empty() ? "sluiced" : "running at " + flags.sluiced_target};
    how.insert(how.end(), variant.extra_args.begin(), variant.extra_args.end());
    server.description = absl::StrCat(absl::StrJoin(how, " "), ": ", variant.description);
    server.path = flags.sluiced_path;
    server.args = {"--listen", "127.0.0.1:0", "--metrics_address", "127.0.0.1:0"};
    server.args.insert(server.args.end(), variant.extra_args.begin(), variant.extra_args.end());
    server.models = variant.models;
    server.target = flags.sluiced_target;
    server.workloads = WorkloadsFor(flags, variant.models, variant.stream_only_by_default);
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
  std::vector<Workload> selected = flags.workloads;
  if (selected.empty()) {
    for (const WorkloadInfo& info : kWorkloads) selected.push_back(info.id);
  }
  run.workload_lines = DescribeWorkloads(selected, flags.window);
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
