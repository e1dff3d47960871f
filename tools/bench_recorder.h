// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// BenchRecorder: where the calls of a `sluice bench` run count what they sent and received, their
// latencies and their errors, and report that they have finished; and BenchTotals, what it holds
// at the end.

#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <grpcpp/support/status.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tools/bench_tickets.h"
#include "tools/latency_histogram.h"

namespace sluice::cli {

// The measured figures of a run (warm-up excluded).
struct BenchTotals {
  uint64_t requests_sent = 0;
  uint64_t responses_received = 0;
  uint64_t bytes_sent = 0;      // Request payload bytes.
  uint64_t bytes_received = 0;  // Response payload bytes.
  uint64_t calls_ok = 0;
  uint64_t calls_failed = 0;
  // Failed calls by status code name, plus error responses on Stream calls that went on.
  std::map<std::string, uint64_t> errors_by_code;
  LatencyHistogram latency;
  LatencyHistogram first_response;  // Time to first response, per call (generate, stream).
  // Time to a failed call's status, from when it was due (infer): how fast a server that sheds
  // load says no.
  LatencyHistogram failure_latency;
};

// What every call of a run shares. Owned by the bench command, which destroys it only after
// every worker reported WorkerDone(). Thread-safe; the Record* methods are called from gRPC's
// reactions. A `measured` argument of false (warm-up) makes them count nothing.
class BenchRecorder {
 public:
  explicit BenchRecorder(TicketSource& tickets) : tickets_(tickets) {}

  void RequestSent(bool measured, size_t payload_bytes);
  void ResponseReceived(bool measured, size_t payload_bytes);
  void Latency(bool measured, BenchClock::duration latency) ABSL_LOCKS_EXCLUDED(mu_);
  void FirstResponse(bool measured, BenchClock::duration latency) ABSL_LOCKS_EXCLUDED(mu_);
  void FailureLatency(bool measured, BenchClock::duration latency) ABSL_LOCKS_EXCLUDED(mu_);
  // An error response that did not end its call (Stream).
  void ErrorResponse(bool measured, int code) ABSL_LOCKS_EXCLUDED(mu_);
  // A call ended. The first failure is kept for the exit message; a failure before anything
  // succeeded stops the run (TicketSource::Stop), since the next calls would fail the same way
  // (server down, unknown model), unless it is RESOURCE_EXHAUSTED (a server shedding load).
  void CallEnded(bool measured, const grpc::Status& status) ABSL_LOCKS_EXCLUDED(mu_);

  // A worker (a slot running calls one after another) has stopped for good. It may be destroyed
  // as soon as this returns, so it must be the worker's last action.
  void WorkerDone() ABSL_LOCKS_EXCLUDED(mu_);
  // Main thread: waits up to `timeout` until `workers` workers are done.
  bool AwaitWorkersDone(int workers, absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

  // For the progress line, while the run goes on. Relaxed loads: a figure a moment old is fine.
  uint64_t requests_sent() const { return requests_sent_.load(std::memory_order_relaxed); }
  uint64_t responses_received() const {
    return responses_received_.load(std::memory_order_relaxed);
  }
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

  // After every worker is done.
  BenchTotals Totals() ABSL_LOCKS_EXCLUDED(mu_);
  // The first failed call's status, warm-up included.
  std::optional<grpc::Status> first_failure() ABSL_LOCKS_EXCLUDED(mu_);
  // Whether any call succeeded or any response arrived, warm-up included.
  bool anything_succeeded() const { return succeeded_.load(std::memory_order_relaxed); }

 private:
  TicketSource& tickets_;
  // Counters bumped once per message: atomics, not `mu_`, to keep the reactions short. Relaxed:
  // they are read for the progress line, or after AwaitWorkersDone(), whose mutex orders them.
  std::atomic<uint64_t> requests_sent_{0};
  std::atomic<uint64_t> responses_received_{0};
  std::atomic<uint64_t> bytes_sent_{0};
  std::atomic<uint64_t> bytes_received_{0};
  std::atomic<uint64_t> errors_{0};
  // Any OK call or any response so far, warm-up included: failures after that do not stop the run.
  std::atomic<bool> succeeded_{false};

  absl::Mutex mu_;
  uint64_t calls_ok_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t calls_failed_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, uint64_t> errors_by_code_ ABSL_GUARDED_BY(mu_);
  LatencyHistogram latency_ ABSL_GUARDED_BY(mu_);
  LatencyHistogram first_response_ ABSL_GUARDED_BY(mu_);
  LatencyHistogram failure_latency_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> first_failure_ ABSL_GUARDED_BY(mu_);
  int workers_done_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sluice::cli
