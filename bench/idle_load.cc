// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The idle-streams load of sluice_stream_bench: many bidi Stream calls, each
// established by one echoed request and then left idle, to measure what an idle
// stream costs the server in resident memory.

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>
#include <grpcpp/grpcpp.h>

#include "bench/call_loads.h"
#include "bench/load_support.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::bench {
namespace {

using ::sluice::v1::InferRequest;
using ::sluice::v1::InferResponse;

// How long all the streams may take to be established, and how long they then sit
// idle before the second RSS reading, so that the server's allocations settle.
constexpr double kEstablishTimeoutSeconds = 120;
constexpr auto kIdleSettle = std::chrono::milliseconds(500);

// What the streams of one run share. Owned by RunIdleLoad(), which outlives them.
struct IdleShared {
  IdleShared(LoadRunState& run_state, const std::string& payload_bytes)
      : run(run_state), payload(payload_bytes) {}

  LoadRunState& run;
  const std::string& payload;
  // Relaxed: counters read while they move; `established_mu` orders the wait.
  std::atomic<uint64_t> mismatches{0};
  absl::Mutex established_mu;
  uint64_t established ABSL_GUARDED_BY(established_mu) = 0;  // Answered or failed.
  uint64_t answered ABSL_GUARDED_BY(established_mu) = 0;
};

// One idle bidi Stream call: one request, its echo, then nothing until Stop().
// RunIdleLoad() owns it and destroys it only after its OnDone(). Reactions run on
// gRPC's threads; Start() and Stop() on the bench thread, which a hold keeps safe.
class IdleStream final : public grpc::ClientBidiReactor<InferRequest, InferResponse> {
 public:
  IdleStream(int index, const std::string& model, IdleShared& shared)
      : index_(index), shared_(shared) {
    request_.set_stream_id(absl::StrCat("idle-", index));
    request_.set_sequence(1);
    request_.set_model(model);
    request_.set_payload(shared.payload);
  }

  void Start(::sluice::v1::Inference::Stub& stub) {
    stub.async()->Stream(&context_, this);
    AddHold();  // Released by Stop().
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }

  // Bench thread: half-closes once the one write is done.
  void Stop() {
    bool writes_done = false;
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      writes_done = write_done_ && !write_failed_;
    }
    if (writes_done) StartWritesDone();
    RemoveHold();
  }

  void Cancel() { context_.TryCancel(); }

  void OnWriteDone(bool ok) override {
    bool writes_done = false;
    {
      absl::MutexLock lock(&mu_);
      write_done_ = true;
      write_failed_ = !ok;
      writes_done = stopping_ && ok;
    }
    if (writes_done) StartWritesDone();
  }

  void OnReadDone(bool ok) override {
    if (answered_) return;  // The end of the call: the server finished.
    answered_ = true;
    if (ok) {
      if (response_.request_sequence() != 1 || response_.payload() != shared_.payload ||
          response_.stream_id() != request_.stream_id()) {
        shared_.mismatches.fetch_add(1, std::memory_order_relaxed);
        shared_.run.AddProblem(absl::StrCat("idle stream ", index_, ": a wrong echo"));
      }
      StartRead(&response_);  // Completes when the server finishes the call.
    }
    absl::MutexLock lock(&shared_.established_mu);
    ++shared_.established;
    if (ok) ++shared_.answered;
  }

  void OnDone(const grpc::Status& status) override {
    if (!answered_) {  // Failed before its echo: count it, or the wait never ends.
      absl::MutexLock lock(&shared_.established_mu);
      ++shared_.established;
    }
    shared_.run.CallDone(absl::StrCat("idle stream ", index_), status);
  }

 private:
  const int index_;
  IdleShared& shared_;
  grpc::ClientContext context_;
  InferRequest request_;
  InferResponse response_;
  bool answered_ = false;  // Read side only: one read in flight at a time.
  absl::Mutex mu_;
  bool write_done_ ABSL_GUARDED_BY(mu_) = false;
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

StreamLoadResult RunIdleLoad(const StreamLoadOptions& options) {
  StreamLoadResult result;
  std::shared_ptr<grpc::Channel> channel = ConnectForLoad(options.target, options.streams, result);
  if (channel == nullptr) return result;
  std::unique_ptr<::sluice::v1::Inference::Stub> stub = ::sluice::v1::Inference::NewStub(channel);
  const std::string payload = PatternPayload(options.payload_bytes);
  LoadRunState run;
  IdleShared shared(run, payload);
  auto rss = [&options]() { return options.server_rss_bytes ? options.server_rss_bytes() : NAN; };

  std::this_thread::sleep_for(kIdleSettle);
  result.rss_before_bytes = rss();
  std::vector<std::unique_ptr<IdleStream>> streams;
  for (int i = 0; i < options.streams; ++i) {
    streams.push_back(std::make_unique<IdleStream>(i, options.model, shared));
  }
  const auto start = std::chrono::steady_clock::now();
  for (auto& stream : streams) stream->Start(*stub);
  const auto total = static_cast<uint64_t>(options.streams);
  uint64_t answered = 0;
  {
    auto all = [&shared, total]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared.established_mu) {
      return shared.established == total;
    };
    absl::MutexLock lock(&shared.established_mu);
    if (!shared.established_mu.AwaitWithTimeout(absl::Condition(&all),
                                                absl::Seconds(kEstablishTimeoutSeconds))) {
      run.AddProblem(absl::StrCat("only ", shared.established, " of ", total,
                                  " idle streams were answered within ", kEstablishTimeoutSeconds,
                                  " s"));
    }
    answered = shared.answered;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::this_thread::sleep_for(kIdleSettle);
  result.rss_after_bytes = rss();
  result.measured_units = answered;
  result.units_per_second = static_cast<double>(answered) / seconds;

  for (auto& stream : streams) stream->Stop();
  if (!run.AwaitDone(options.streams, options.drain_timeout_seconds)) {
    run.AddProblem(absl::StrCat("idle streams did not finish within ",
                                options.drain_timeout_seconds, " s of half-closing; cancelled"));
    for (auto& stream : streams) stream->Cancel();
    // A cancelled call always ends, and the streams must outlive their calls.
    while (!run.AwaitDone(options.streams, options.drain_timeout_seconds)) {
    }
  }
  result.responses = answered;
  result.mismatches = shared.mismatches.load();
  result.failed_streams = run.failed_calls();
  result.model_missing = run.model_missing();
  result.problems = run.problems();
  if (answered < total && result.failed_streams == 0) {
    result.failed_streams = total - answered;
  }
  return result;
}

}  // namespace sluice::bench
