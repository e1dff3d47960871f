// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Parsing of sluice_stream_bench's command line (see bench_flags.h).

#include "bench/bench_flags.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include <absl/status/statusor.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>

namespace sluice::bench {
namespace {

void PrintUsage() {
  std::fprintf(
      stderr,
      "usage: sluice_stream_bench [flags]\n"
      "Runs the same workloads against bare_echo_server (the baseline), the peers and\n"
      "variants of sluiced, interleaved in each round, and prints each server's ratio to\n"
      "bare, and each sluiced variant's ratio to each peer. Servers:\n"
      "  bare            bare_echo_server, gRPC callback API (always run: the baseline)\n"
      "  bare-async      bare_async_echo_server, gRPC async API, one completion queue per CPU\n"
      "  bare-handoff    bare_echo_server --handoff: Infer answered on a pool thread, never in\n"
      "                  the gRPC callback (Infer workloads only; only when --servers names it)\n"
      "  python-aio      bench/peers/python_aio_echo_server.py, Python grpc.aio\n"
      "  grpc-js         bench/peers/node_echo_server.js, Node @grpc/grpc-js\n"
      "  sluiced         models echo and sensors inline (stream pool), blob on the model pool\n"
      "  sluiced/pool    model echo_pool, sessions on the model thread pool\n"
      "                  (Stream and Infer workloads only)\n"
      "  sluiced/posted  models as sluiced, sluiced --inline_actors=false\n"
      "                  (Stream workloads only, unless --workloads names others)\n"
      "  sluiced/sched-other  models as sluiced, threads.batch_scheduling=false (pool\n"
      "                  threads under SCHED_OTHER; Stream workloads only, unless --workloads)\n"
      "  sluiced/no-metrics  models as sluiced, sluiced --metrics=false (the others record\n"
      "                  Prometheus metrics and serve them on a free port)\n"
      "A peer whose runtime (Python with grpc, node with @grpc/grpc-js) is missing is\n"
      "skipped with a note.\n"
      "Workloads:\n"
      "  pipelined-x1, pipelined-x16  bidi Stream, 1 or 16 streams of 64 B, --window outstanding\n"
      "  pipelined-1k-x1, pipelined-1k-x16  the same with 1 KiB payloads\n"
      "  ping-pong                    bidi Stream, 1 stream, one request at a time\n"
      "  unary-1, unary-64            Infer, 1 or 64 calls in flight\n"
      "  generate-1mib                Generate, 256 MiB per call in 1 MiB chunks\n"
      "  ingest-x1, ingest-x64        Ingest, 1 or 64 streams of 100-byte readings\n"
      "  ingest-256-x1, ingest-256-x64, ingest-256-x1024  Ingest, 256-byte readings\n"
      "  idle-10k                     10,000 bidi streams, one echo each, then idle: server\n"
      "                               RSS growth per stream (on a fresh server)\n"
      "Every workload also reports the server's CPU time per unit and peak RSS (VmHWM).\n"
      "  --workloads LIST         comma-separated workloads from above (default: all)\n"
      "  --servers LIST           comma-separated servers from above (default: all peers and\n"
      "                           the sluiced variants that apply)\n"
      "  --variants LIST          only the sluiced variants (with all peers); not with --servers\n"
      "  --sluiced PATH           sluiced binary (default: <bench dir>/../engine/sluiced)\n"
      "  --bare PATH              bare_echo_server binary (default: <bench dir>/bare_echo_server)\n"
      "  --bare-async PATH        default: <bench dir>/bare_async_echo_server\n"
      "  --python PATH            Python with grpc and grpc_tools (default: $SLUICE_PYTHON,\n"
      "                           python3, /usr/bin/python3: the first that has them)\n"
      "  --node PATH              node (default: node on PATH)\n"
      "  --node-modules DIR       holds @grpc/grpc-js and @grpc/proto-loader (default:\n"
      "                           <bench dir>/peers/node_modules, from the target\n"
      "                           sluice_bench_node_deps, or\n"
      "                           <bench dir>/../tests/clients/node/node_modules)\n"
      "  --source-dir DIR         the Sluice sources, for bench/peers/ and proto/\n"
      "                           (default: " SLUICE_SOURCE_DIR
      ")\n"
      "  --target-sluiced H:P     measure a running sluiced instead of spawning one\n"
      "                           (sluiced/posted needs its own and is skipped)\n"
      "  --target-bare H:P        measure a running bare server instead of spawning one\n"
      "  --server-cpu LIST        pin spawned servers to CPUs, e.g. 1 or 0,2-3\n"
      "  --client-cpu LIST        pin this client to CPUs\n"
      "  --seconds S              measured seconds per run (default 3)\n"
      "  --warmup S               unmeasured seconds before each run (default 0.5)\n"
      "  --rounds R               rounds, each running every server (default 3)\n"
      "  --window N               requests outstanding per pipelined stream (default 128)\n"
      "  --markdown               print the table as GitHub markdown\n"
      "  --json                   print JSON instead of the table\n"
      "  --json-file PATH         also write the JSON to PATH (for bench/plot_results.py)\n"
      "  --server-logs            copy the servers' stdout/stderr to stderr\n"
      "Each server runs each of its workloads for (warm-up + seconds) per round; with\n"
      "the defaults and all 8 servers that is about 25 minutes for 3 rounds of 3 s.\n");
}

}  // namespace

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
    } else if (name == "--bare-async") {
      flags.peer_search.bare_async_path = value;
    } else if (name == "--python") {
      flags.peer_search.python = value;
    } else if (name == "--node") {
      flags.peer_search.node = value;
    } else if (name == "--node-modules") {
      flags.peer_search.node_modules = value;
    } else if (name == "--source-dir") {
      flags.peer_search.source_dir = value;
    } else if (name == "--json-file") {
      flags.json_file = value;
    } else if (name == "--servers") {
      flags.servers.clear();
      for (absl::string_view label : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        flags.servers.emplace_back(absl::StripAsciiWhitespace(label));
      }
      ok = !flags.servers.empty();
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

}  // namespace sluice::bench
