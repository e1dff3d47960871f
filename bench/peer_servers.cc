// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Finding the runtimes of sluice_stream_bench's peer servers (see peer_servers.h).

#include "bench/peer_servers.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>

namespace sluice::bench {
namespace {

namespace fs = std::filesystem;

bool Executable(const std::string& path) {
  return !path.empty() && access(path.c_str(), X_OK) == 0;
}

// `name` as an absolute path: itself if it holds a '/', else the first match on
// PATH; empty if none is executable. (execv does not search PATH.)
std::string ResolveProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return Executable(name) ? name : "";
  const char* path = std::getenv("PATH");
  for (const absl::string_view dir : absl::StrSplit(path ? path : "", ':', absl::SkipEmpty())) {
    const std::string candidate = absl::StrCat(dir, "/", name);
    if (Executable(candidate)) return candidate;
  }
  return "";
}

std::string ShellQuoted(const std::string& text) {
  return absl::StrCat("'", absl::StrJoin(absl::StrSplit(text, '\''), "'\\''"), "'");
}

// The first Python that can import Debian's grpc and grpc_tools: `python3` on PATH
// may be another installation (pyenv, a venv) without them, as
// clients/python/run_test.sh found.
std::string FindPython(const std::string& wanted, std::string& tried) {
  std::vector<std::string> candidates;
  if (!wanted.empty()) {
    candidates.push_back(wanted);
  } else {
    if (const char* env = std::getenv("SLUICE_PYTHON"); env != nullptr && *env != '\0') {
      candidates.push_back(env);
    }
    candidates.push_back("python3");
    candidates.push_back("/usr/bin/python3");
  }
  std::vector<std::string> names;
  for (const std::string& candidate : candidates) {
    const std::string path = ResolveProgram(candidate);
    names.push_back(path.empty() ? candidate : path);
    if (path.empty()) continue;
    const std::string check =
        absl::StrCat(ShellQuoted(path), " -c 'import grpc, grpc_tools.protoc' >/dev/null 2>&1");
    if (std::system(check.c_str()) == 0) return path;
  }
  tried = absl::StrJoin(names, ", ");
  return "";
}

bool HasNodeModules(const fs::path& dir) {
  std::error_code error;
  return fs::is_directory(dir / "@grpc" / "grpc-js", error) &&
         fs::is_directory(dir / "@grpc" / "proto-loader", error);
}

}  // namespace

PeerLaunch FindPeer(const std::string& label, const PeerSearch& search) {
  PeerLaunch peer;
  peer.label = label;
  const fs::path source(search.source_dir);
  const fs::path bench(search.bench_dir);
  const std::string proto_dir = (source / "proto").string();
  if (label == "bare-async") {
    peer.path = search.bare_async_path.empty() ? (bench / "bare_async_echo_server").string()
                                               : search.bare_async_path;
    peer.args = {"--listen", "127.0.0.1:0"};
    peer.description =
        "bare_async_echo_server: the other C++ API's ceiling, gRPC async completion queues (one "
        "per CPU, one thread each), the same four methods as bare";
    if (!Executable(peer.path)) peer.skip_reason = absl::StrCat("no executable ", peer.path);
    return peer;
  }
  if (label == "python-aio") {
    const std::string script = (source / "bench" / "peers" / "python_aio_echo_server.py").string();
    std::string tried;
    peer.path = FindPython(search.python, tried);
    peer.args = {script, "--listen", "127.0.0.1:0", "--proto-dir", proto_dir};
    peer.description = absl::StrCat(
        "bench/peers/python_aio_echo_server.py on ", peer.path.empty() ? "?" : peer.path,
        ": Python grpc.aio, the same four methods as bare (Generate hashes with hashlib)");
    if (peer.path.empty()) {
      peer.skip_reason = absl::StrCat("no Python with grpc and grpc_tools (tried ", tried,
                                      "; install python3-grpcio python3-grpc-tools or --python)");
    } else if (access(script.c_str(), R_OK) != 0) {
      peer.skip_reason = absl::StrCat("no ", script, " (--source-dir)");
    }
    return peer;
  }
  // grpc-js.
  const std::string script = (source / "bench" / "peers" / "node_echo_server.js").string();
  peer.path = ResolveProgram(search.node.empty() ? "node" : search.node);
  std::string modules = search.node_modules;
  if (modules.empty()) {
    // The bench's own install (target sluice_bench_node_deps), then the Node
    // client test's (tests/clients/node), both in this build tree.
    for (const fs::path& candidate :
         {bench / "peers" / "node_modules",
          bench / ".." / "tests" / "clients" / "node" / "node_modules"}) {
      if (HasNodeModules(candidate)) {
        modules = candidate.lexically_normal().string();
        break;
      }
    }
  }
  peer.args = {script,    "--listen",       "127.0.0.1:0", "--proto-dir",
               proto_dir, "--node-modules", modules};
  peer.description = absl::StrCat("bench/peers/node_echo_server.js: Node @grpc/grpc-js from ",
                                  modules.empty() ? "?" : modules,
                                  ", the same four methods as bare (Generate hashes with crypto)");
  if (peer.path.empty()) {
    peer.skip_reason = "no node on PATH (--node)";
  } else if (modules.empty() || !HasNodeModules(modules)) {
    peer.skip_reason =
        "no node_modules with @grpc/grpc-js and @grpc/proto-loader (--node-modules DIR, or build "
        "the target sluice_bench_node_deps)";
  } else if (access(script.c_str(), R_OK) != 0) {
    peer.skip_reason = absl::StrCat("no ", script, " (--source-dir)");
  }
  return peer;
}

}  // namespace sluice::bench
