// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the bench's bookkeeping (see bench_recorder.h).

#include "tools/bench_recorder.h"

#include <chrono>

#include "tools/status_text.h"

namespace sluice::cli {
namespace {

int64_t Nanos(BenchClock::duration duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

}  // namespace

void BenchRecorder::RequestSent(bool measured, size_t payload_bytes) {
  if (!measured) return;
  requests_sent_.fetch_add(1, std::memory_order_relaxed);
  bytes_sent_.fetch_add(payload_bytes, std::memory_order_relaxed);
}

void BenchRecorder::ResponseReceived(bool measured, size_t payload_bytes) {
  succeeded_.store(true, std::memory_order_relaxed);
  if (!measured) return;
  responses_received_.fetch_add(1, std::memory_order_relaxed);
  bytes_received_.fetch_add(payload_bytes, std::memory_order_relaxed);
}

void BenchRecorder::Latency(bool measured, BenchClock::duration latency) {
  if (!measured) return;
  absl::MutexLock lock(&mu_);
  latency_.Record(Nanos(latency));
}

void BenchRecorder::FailureLatency(bool measured, BenchClock::duration latency) {
  if (!measured) return;
  absl::MutexLock lock(&mu_);
  failure_latency_.Record(Nanos(latency));
}

void BenchRecorder::FirstResponse(bool measured, BenchClock::duration latency) {
  if (!measured) return;
  absl::MutexLock lock(&mu_);
  first_response_.Record(Nanos(latency));
}

void BenchRecorder::ErrorResponse(bool measured, int code) {
  if (!measured) return;
  errors_.fetch_add(1, std::memory_order_relaxed);
  absl::MutexLock lock(&mu_);
  ++errors_by_code_[StatusCodeName(code)];
}

void BenchRecorder::CallEnded(bool measured, const grpc::Status& status) {
  bool stop = false;
  {
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      succeeded_.store(true, std::memory_order_relaxed);
      if (measured) ++calls_ok_;
      return;
    }
    if (!first_failure_.has_value()) first_failure_ = status;
    // A server shedding load (RESOURCE_EXHAUSTED) may refuse the first calls to finish while
    // others are admitted: that is what an overload run measures, not a reason to stop.
    stop = !succeeded_.load(std::memory_order_relaxed) &&
           status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED;
    if (measured) {
      ++calls_failed_;
      ++errors_by_code_[StatusCodeName(static_cast<int>(status.error_code()))];
      errors_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (stop) tickets_.Stop();
}

void BenchRecorder::WorkerDone() {
  absl::MutexLock lock(&mu_);
  ++workers_done_;
}

bool BenchRecorder::AwaitWorkersDone(int workers, absl::Duration timeout) {
  auto done = [this, workers]()
                  ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return workers_done_ >= workers; };
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
}

BenchTotals BenchRecorder::Totals() {
  BenchTotals totals;
  totals.requests_sent = requests_sent_.load(std::memory_order_relaxed);
  totals.responses_received = responses_received_.load(std::memory_order_relaxed);
  totals.bytes_sent = bytes_sent_.load(std::memory_order_relaxed);
  totals.bytes_received = bytes_received_.load(std::memory_order_relaxed);
  absl::MutexLock lock(&mu_);
  totals.calls_ok = calls_ok_;
  totals.calls_failed = calls_failed_;
  totals.errors_by_code = errors_by_code_;
  totals.latency = latency_;
  totals.first_response = first_response_;
  totals.failure_latency = failure_latency_;
  return totals;
}

std::optional<grpc::Status> BenchRecorder::first_failure() {
  absl::MutexLock lock(&mu_);
  return first_failure_;
}

}  // namespace sluice::cli
