// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The peer servers sluice_stream_bench compares sluiced with besides the bare
// callback server: the bare async (completion-queue) C++ server, a Python grpc.aio
// server and a Node @grpc/grpc-js server, and how to start each, or why it cannot be.

#pragma once

#include <string>
#include <vector>

namespace sluice::bench {

// The labels of the peers, in the order they are run.
inline constexpr const char* kPeerLabels[] = {"bare-async", "python-aio", "grpc-js"};

struct PeerSearch {
  std::string source_dir;       // Holds bench/peers/ and proto/.
  std::string bench_dir;        // The directory of sluice_stream_bench.
  std::string bare_async_path;  // --bare-async, or empty for <bench dir>/bare_async_echo_server.
  std::string python;           // --python, or empty to search.
  std::string node;             // --node, or empty to search PATH.
  std::string node_modules;     // --node-modules, or empty to search the build tree.
};

// How to start one peer, or why it is skipped.
struct PeerLaunch {
  std::string label;
  std::string description;
  std::string path;               // Executable: the server itself, or its interpreter.
  std::vector<std::string> args;  // Including "--listen 127.0.0.1:0".
  std::string skip_reason;        // Non-empty: the runtime is missing; do not run it.
};

// Finds what peer `label` (one of kPeerLabels) needs. Runs the Python interpreter
// once to check that it has grpc and grpc_tools, so call it before any thread
// starts.
PeerLaunch FindPeer(const std::string& label, const PeerSearch& search);

}  // namespace sluice::bench
