// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// KindHerd: calls of all four kinds (Infer, Generate, Ingest, Stream) held
// open at once with the gRPC callback client API, so a test can have
// hundreds in flight when something happens (a drain) and then see exactly
// how each one ended and what it received.

#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "sluice/model.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::testing {

/// Ownership: the test's; destroying it cancels calls still open.
/// Threads: the test thread calls the methods; reactions run on gRPC threads.
class KindHerd {
 public:
  /// How many requests the client-streaming and bidi calls send.
  static constexpr int kIngestRequests = 3;
  static constexpr int kStreamRequests = 2;

  struct Result {
    RpcKind kind;
    grpc::Status status;
    std::vector<v1::InferResponse> responses;
  };

  /// Starts `per_kind` calls of each kind to `target` for `model`, one
  /// channel per kind, and sends every request (payload "call N"). Ingest and
  /// Stream calls stay open for writes until HalfCloseAll().
  KindHerd(const std::string& target, const std::string& model, int per_kind);
  ~KindHerd();
  KindHerd(const KindHerd&) = delete;
  KindHerd& operator=(const KindHerd&) = delete;

  /// Half-closes every Ingest and Stream call once its requests are written.
  void HalfCloseAll();

  /// Waits for every call to end.
  std::vector<Result> WaitAll();

  class Call;

 private:
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<Call>> calls_;
};

}  // namespace sluice::testing
