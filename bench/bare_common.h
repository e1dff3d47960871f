// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// What the two bare gRPC servers (bare_echo_server on the callback API,
// bare_async_echo_server on the async API) answer, so that both serve exactly the
// same bytes: the echo of a request, the chunks of a Generate blob, and the answer
// to an Ingest call.

#pragma once

#include <openssl/evp.h>
#include <signal.h>

#include <cstdint>
#include <memory>
#include <string>

#include <absl/status/status.h>

#include "engine/models/sensor_tally.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::bench {

inline constexpr int kBareMaxMessageBytes = 64 * 1024 * 1024;

// A bare server's command line: --listen HOST:PORT (default 127.0.0.1:0), and,
// where the program takes it, --handoff.
struct ListenArgs {
  std::string address;
  bool handoff = false;
  int exit_code = -1;  // >= 0: exit with it now (usage or an error was printed).
};
// `handoff_help`: the usage line of --handoff, or null when `program` has none.
ListenArgs ParseListenArgs(int argc, char** argv, const char* program,
                           const char* handoff_help = nullptr);

// Blocks SIGINT and SIGTERM in this thread (call it before gRPC starts its
// threads, which inherit the mask) and returns them, for sigwait(), so no
// handler ever runs on a gRPC thread.
sigset_t BlockStopSignals();

// Fills `response` as the echo of `request`. Moves the strings out of `request`
// rather than copying them; the caller reuses `request` for the next read.
void EchoInto(::sluice::v1::InferRequest& request, uint64_t response_sequence,
              ::sluice::v1::InferResponse& response);

// The chunks of one Generate call: the requested "size_bytes" in "chunk_bytes"
// chunks, each copied once from a shared pseudo-random source (more than the caches
// hold, built on first use) and hashed with SHA-256, as the `blob` model hashes what
// it sends; the last chunk carries the digest and final=true. Owned by one call and
// used by one thread at a time.
class BlobChunks {
 public:
  // Reads the parameters of `request`; InvalidArgument if they are out of range.
  absl::Status Start(const ::sluice::v1::InferRequest& request);

  // Fills `response` with the next chunk. Call only while !done().
  void Build(::sluice::v1::InferResponse& response);

  bool done() const { return next_chunk_ == total_chunks_; }

 private:
  struct FreeDigest {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };

  std::string stream_id_;
  std::string model_;
  uint64_t request_sequence_ = 0;
  uint64_t size_ = 0;
  uint64_t chunk_bytes_ = 1;
  uint64_t total_chunks_ = 0;
  uint64_t next_chunk_ = 0;  // The next to build.
  std::unique_ptr<EVP_MD_CTX, FreeDigest> hash_;
};

// The answer to one Ingest call: each reading is parsed and added to its sensor's
// summary by the `sensors` model's own code (SensorTally), so that the bare server
// does the application work sluiced's model does, and the benchmark compares what
// the engine adds; at half-close the summaries, as the model's answer carries them,
// with "count" (readings received) and "size_bytes" (their payload bytes). A
// reading that does not parse is counted in "rejected" and the call goes on. Owned
// by one call and used by one thread at a time.
class IngestAnswer {
 public:
  // Takes one reading; `response` is the call's answer, sent at half-close.
  void Add(const ::sluice::v1::InferRequest& request, ::sluice::v1::InferResponse& response);
  // Completes `response` once the client has half-closed.
  void Finish(::sluice::v1::InferResponse& response) const;

 private:
  ::sluice::models::SensorTally tally_;
  uint64_t received_ = 0;
  uint64_t bytes_ = 0;
  uint64_t rejected_ = 0;
};

}  // namespace sluice::bench
