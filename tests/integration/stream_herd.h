// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// StreamHerd: many bidi Stream calls held open at once on a few channels, with
// the gRPC callback client API, so a test can keep hundreds of streams open
// and move them all a step at a time without a thread per stream.

#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::testing {

/// Ownership: the test's; destroying it cancels streams still open.
/// Threads: the test thread calls the methods; reactions run on gRPC threads.
class StreamHerd {
 public:
  /// Opens `streams` Stream calls to `target` for `model`, spread over
  /// `channels` channels. Nothing is sent until Round().
  StreamHerd(const std::string& target, const std::string& model, int streams, int channels);
  ~StreamHerd();

  /// Every open stream sends one request and reads its response. Returns how
  /// many streams got their response (a stream that fails is closed).
  int Round();

  /// Half-closes every stream and waits for its status; returns the count of
  /// each status code (OK = 0).
  std::map<int, int> CloseAll();

 private:
  class Call;
  void StepDone(bool ok);

  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<Call>> calls_;
  const std::string model_;
  absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  int succeeded_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_sequence_ = 1;
};

}  // namespace sluice::testing
