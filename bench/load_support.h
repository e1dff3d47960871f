// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// What the client loads of sluice_stream_bench share: a fresh channel per run, the
// bookkeeping of calls that end on gRPC's threads, and the measured interval.

#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include "bench/stream_load.h"

namespace sluice::bench {

// What the calls of one run share with the thread that runs it. Owned by the
// Run*Load() function, which outlives every call. Thread-safe.
class LoadRunState {
 public:
  // Keeps the first few descriptions.
  void AddProblem(std::string problem) ABSL_LOCKS_EXCLUDED(mu_);

  // Reaction: the last thing a call (or a stream of calls) does. The caller may be
  // destroyed as soon as this returns, so it must not touch itself afterwards.
  // `what` names it in a problem, e.g. "stream 3".
  void CallDone(const std::string& what, const grpc::Status& status) ABSL_LOCKS_EXCLUDED(mu_);

  // Counts a call that ended with a non-OK status without ending a worker.
  void CallFailed(const std::string& what, const grpc::Status& status) ABSL_LOCKS_EXCLUDED(mu_);

  // A worker (a stream, or a slot that keeps one call at a time going) has stopped
  // for good. Reaction; the same rule as CallDone() holds.
  void WorkerDone() ABSL_LOCKS_EXCLUDED(mu_);

  // Waits until `workers` workers have called WorkerDone().
  bool AwaitDone(int workers, double timeout_seconds) ABSL_LOCKS_EXCLUDED(mu_);

  uint64_t failed_calls() ABSL_LOCKS_EXCLUDED(mu_);
  // Whether a call failed with NOT_FOUND, which is how sluiced refuses an unknown
  // model.
  bool model_missing() ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<std::string> problems() ABSL_LOCKS_EXCLUDED(mu_);

  // Set while the measured interval runs: loads record latencies only then.
  // Relaxed is enough: a sample landing one response early or late is noise.
  std::atomic<bool> recording{false};

 private:
  void AddFailureLocked(const std::string& what, const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  int done_workers_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t failed_calls_ ABSL_GUARDED_BY(mu_) = 0;
  bool model_missing_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::string> problems_ ABSL_GUARDED_BY(mu_);
};

// A channel of its own to `target` (a fresh connection per run), connected, or
// nullptr after recording why in `result`.
std::shared_ptr<grpc::Channel> ConnectForLoad(const std::string& target, int calls,
                                              StreamLoadResult& result);

// Sleeps through the warm-up and the measured seconds of `options`, and fills the
// measured figures of `result` from `count` (a running total of units: responses,
// readings, bytes) and the server's CPU time, sampled at both ends of the interval.
// Returns the length of the interval in seconds.
double MeasureInterval(const StreamLoadOptions& options, const std::function<uint64_t()>& count,
                       LoadRunState& run, StreamLoadResult& result);

// Payload bytes of a varied pattern, so that a server returning the wrong bytes is
// caught.
std::string PatternPayload(size_t bytes);

}  // namespace sluice::bench
