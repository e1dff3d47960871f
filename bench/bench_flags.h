// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The command line of sluice_stream_bench: its flags, their parsing and --help.

#pragma once

#include <string>
#include <vector>

#include "bench/peer_servers.h"
#include "bench/workloads.h"

namespace sluice::bench {

// What the command line asked for. Filled once by ParseFlags() on the main thread.
struct Flags {
  std::string sluiced_path;
  std::string bare_path;
  std::string sluiced_target;  // Use a running server instead of spawning one.
  std::string bare_target;
  std::vector<std::string> variants;  // Labels from --variants; empty: all that apply.
  // Labels from --servers: peers and variants together; empty: all that apply.
  std::vector<std::string> servers;
  PeerSearch peer_search;           // --bare-async, --python, --node, --node-modules, --source-dir.
  std::string json_file;            // --json-file: also write the JSON there.
  std::vector<Workload> workloads;  // From --workloads; empty: each server's defaults.
  std::string server_cpus;          // CPU lists; empty = no pinning.
  std::string client_cpus;
  double seconds = 3;
  double warmup_seconds = 0.5;
  int rounds = 3;
  int window = 128;  // Requests outstanding per stream in the pipelined workloads.
  bool json = false;
  bool markdown = false;
  bool server_logs = false;
};

// Parses argv into `flags`; returns false (after printing why and the usage) on a
// bad command line. Prints the usage and exits 0 on --help.
bool ParseFlags(int argc, char** argv, Flags& flags);

}  // namespace sluice::bench
