// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluice_stream_bench: runs the same workloads, of all four RPC kinds plus idle
// streams, against bare_echo_server (the callback API's ceiling, the baseline), the
// peers (bare async C++, Python grpc.aio, Node grpc-js) and several variants of
// sluiced in one invocation, interleaving them within each round, and prints each
// server's ratio to the baseline and each variant's ratio to each peer.

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
#include <iterator>
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

#include "bench/bench_flags.h"
#include "bench/peer_servers.h"
#include "bench/report.h"
#include "bench/server_process.h"
#include "bench/workloads.h"

namespace sluice::bench {
namespace {

constexpr size_t kMaxProblems = 20;  // Kept per server for the report.

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
      {"sluiced/sched-other",
       {"echo", "echo", "blob", "sensors"},
       {"--set=threads.batch_scheduling=false"},
       "models as sluiced, pool threads under SCHED_OTHER instead of SCHED_BATCH (Stream only "
       "unless --workloads)",
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

const WorkloadInfo& WorkloadNamed(const std::string& name) {
  return *std::find_if(kWorkloads.begin(), kWorkloads.end(),
                       [&name](const WorkloadInfo& w) { return name == w.name; });
}

// bare_echo_server --handoff: bare with Infer answered on a pool thread. Run only
// when --servers names it; it has only the unary workloads.
constexpr const char* kBareHandoffLabel = "bare-handoff";

bool IsPeer(const std::string& label) {
  if (label == kBareHandoffLabel) return true;
  return std::find_if(std::begin(kPeerLabels), std::end(kPeerLabels), [&label](const char* peer) {
           return label == peer;
         }) != std::end(kPeerLabels);
}

// Splits --servers into flags.variants and the peers it names; without --servers,
// every peer. Returns false (after printing why) on an unknown or repeated label.
bool SelectPeers(Flags& flags, std::vector<std::string>& peers) {
  if (flags.servers.empty()) {
    peers.assign(std::begin(kPeerLabels), std::end(kPeerLabels));
    return true;
  }
  if (!flags.variants.empty()) {
    std::fprintf(stderr, "sluice_stream_bench: give --servers or --variants, not both\n");
    return false;
  }
  std::vector<std::string> variant_labels;
  for (const Variant& variant : DefaultVariants()) variant_labels.push_back(variant.label);
  std::vector<std::string> seen;
  for (const std::string& label : flags.servers) {
    if (std::find(seen.begin(), seen.end(), label) != seen.end()) {
      std::fprintf(stderr, "sluice_stream_bench: --servers lists '%s' twice\n", label.c_str());
      return false;
    }
    seen.push_back(label);
    if (label == "bare") continue;  // Always run: it is the baseline.
    if (IsPeer(label)) {
      peers.push_back(label);
    } else if (std::find(variant_labels.begin(), variant_labels.end(), label) !=
               variant_labels.end()) {
      flags.variants.push_back(label);
    } else {
      std::fprintf(stderr,
                   "sluice_stream_bench: --servers: unknown server '%s'; known: bare, %s, %s, %s\n",
                   label.c_str(), kBareHandoffLabel,
                   absl::StrJoin(std::begin(kPeerLabels), std::end(kPeerLabels), ", ").c_str(),
                   absl::StrJoin(variant_labels, ", ").c_str());
      return false;
    }
  }
  return true;
}

// The variants to run: --variants in its order, or else every default that applies.
absl::StatusOr<std::vector<Variant>> SelectVariants(const Flags& flags) {
  const std::vector<Variant> defaults = DefaultVariants();
  if (flags.variants.empty() && !flags.servers.empty()) return std::vector<Variant>{};
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

// Runs the workloads of `server` named in `names` once against `target`, appending
// one sample per metric. `probes` are empty when we did not spawn the server.
void RunWorkloads(const std::vector<std::string>& names, const std::string& target,
                  const ServerProbes& probes, const Flags& flags, ServerFigures& server) {
  WorkloadSettings settings;
  settings.seconds = flags.seconds;
  settings.warmup_seconds = flags.warmup_seconds;
  settings.window = flags.window;
  for (const std::string& name : names) {
    RunWorkload(WorkloadNamed(name).id, target, probes, settings, server);
  }
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

// Spawns `server` and runs the workloads `names` on it; false if it could not be
// started, which ends the benchmark.
bool SpawnAndRun(const Flags& flags, const cpu_set_t& server_cpus,
                 const std::vector<std::string>& names, ServerFigures& server, bool& clean_exits) {
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
  ServerProbes probes;
  probes.cpu_seconds = [child]() {
    const absl::StatusOr<double> seconds = child->CpuSeconds();
    return seconds.ok() ? *seconds : NAN;
  };
  probes.rss_bytes = [child]() {
    const absl::StatusOr<uint64_t> bytes = child->StatusBytes("VmRSS");
    return bytes.ok() ? static_cast<double>(*bytes) : NAN;
  };
  probes.peak_rss_bytes = [child]() {
    const absl::StatusOr<uint64_t> bytes = child->StatusBytes("VmHWM");
    return bytes.ok() ? static_cast<double>(*bytes) : NAN;
  };
  probes.reset_peak_rss = [child]() { child->ResetPeakRss().IgnoreError(); };
  RunWorkloads(names, child->target(), probes, flags, server);
  if (absl::Status stopped = (*process)->Stop(); !stopped.ok()) {
    clean_exits = false;
    std::fprintf(stderr, "  %s\n", std::string(stopped.message()).c_str());
    if (server.problems.size() < kMaxProblems) server.problems.emplace_back(stopped.message());
  }
  return true;
}

// Runs the workloads of `server` once: on its fixed target, or else on one spawned
// process, except that each workload that wants a fresh server gets one of its own.
// Returns false if a server could not be started, which ends the benchmark.
bool MeasureOnce(const Flags& flags, const cpu_set_t& server_cpus, ServerFigures& server,
                 bool& clean_exits) {
  if (server.workloads.empty()) return true;  // --workloads left it nothing to run.
  if (!server.target.empty()) {
    RunWorkloads(server.workloads, server.target, ServerProbes{}, flags, server);
    return true;
  }
  std::vector<std::string> shared;
  std::vector<std::string> fresh;
  for (const std::string& name : server.workloads) {
    (WorkloadNamed(name).fresh_server ? fresh : shared).push_back(name);
  }
  if (!shared.empty() && !SpawnAndRun(flags, server_cpus, shared, server, clean_exits)) {
    return false;
  }
  for (const std::string& name : fresh) {
    if (!SpawnAndRun(flags, server_cpus, {name}, server, clean_exits)) return false;
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
  std::vector<std::string> peer_labels;
  if (!SelectPeers(flags, peer_labels)) return 2;
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
      "each chunk from a pre-generated buffer and SHA-256-hashes it as blob does; Ingest parses "
      "and summarizes each reading with the sensors model's own code");
  servers[0].path = flags.bare_path;
  servers[0].args = {"--listen", "127.0.0.1:0"};
  servers[0].models = {"echo", "echo", "blob", "sensors"};  // Ignored, but sent alike.
  servers[0].target = flags.bare_target;
  servers[0].workloads = WorkloadsFor(flags, servers[0].models, false);
  // The peers. Finding Python runs it, which is best done before gRPC starts threads.
  flags.peer_search.bench_dir = own_dir.string();
  if (flags.peer_search.source_dir.empty()) flags.peer_search.source_dir = SLUICE_SOURCE_DIR;
  std::vector<std::string> notes;
  for (const std::string& label : peer_labels) {
    if (label == kBareHandoffLabel) {
      ServerFigures& server = servers.emplace_back();
      server.label = label;
      server.description =
          "bare_echo_server --handoff: bare, but Infer answers on a thread of a Boost.Asio pool "
          "(one thread per core, SCHED_BATCH, as sluiced's stream pool), not in the gRPC "
          "callback: the ceiling of a server that runs no handler code on gRPC's threads (Infer "
          "only)";
      server.path = flags.bare_path;
      server.args = {"--listen", "127.0.0.1:0", "--handoff"};
      server.models = {"", "echo", "", ""};
      server.peer = true;
      server.workloads = WorkloadsFor(flags, server.models, false);
      continue;
    }
    const PeerLaunch peer = FindPeer(label, flags.peer_search);
    if (!peer.skip_reason.empty()) {
      notes.push_back(absl::StrCat(label, " skipped: ", peer.skip_reason));
      std::fprintf(stderr, "sluice_stream_bench: %s\n", notes.back().c_str());
      continue;
    }
    ServerFigures& server = servers.emplace_back();
    server.label = peer.label;
    server.description = peer.description;
    server.path = peer.path;
    server.args = peer.args;
    server.models = servers[0].models;
    server.peer = true;
    server.workloads = servers[0].workloads;
  }
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
  run.notes = std::move(notes);
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

  if (!flags.json_file.empty()) {
    std::FILE* file = std::fopen(flags.json_file.c_str(), "w");
    if (file == nullptr || (PrintJson(run, servers, file), std::fclose(file)) != 0) {
      std::fprintf(stderr, "sluice_stream_bench: cannot write %s: %s\n", flags.json_file.c_str(),
                   std::strerror(errno));
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
