// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Callback-API client for sluice_stream_bench. Each stream keeps up to `window`
// requests outstanding with one write and one read in flight, so the client costs
// little CPU and the figures describe the server.

#include "bench/stream_load.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <utility>

#include <absl/base/thread_annotations.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>
#include <grpcpp/grpcpp.h>

#include "bench/load_support.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::bench {
namespace {

using ::sluice::v1::InferRequest;
using ::sluice::v1::InferResponse;
using Clock = std::chrono::steady_clock;

// One bidi Stream call. RunStreamLoad() owns it and destroys it only after its
// OnDone(). Reactions run on gRPC's callback threads, possibly a read and a write
// at once, so the window state lives under `mu_`; Start() and Stop() are called by
// the bench thread, which a hold (AddHold) keeps safe until Stop().
class LoadStream final : public grpc::ClientBidiReactor<InferRequest, InferResponse> {
 public:
  LoadStream(int index, const StreamLoadOptions& options, const std::string& payload,
             LoadRunState& run)
      : index_(index),
        window_(static_cast<uint64_t>(std::max(options.window, 1))),
        model_(options.model),
        payload_(payload),
        run_(run),
        send_times_(window_) {
    request_.set_stream_id(absl::StrCat("bench-", index));
    request_.set_payload(payload);
  }

  // Bench thread: opens the call and sends the first request.
  void Start(::sluice::v1::Inference::Stub& stub) {
    stub.async()->Stream(&context_, this);
    AddHold();  // Released by Stop(), the last call we make from outside a reaction.
    StartRead(&response_);
    bool write = false;
    {
      absl::MutexLock lock(&mu_);
      write = TakeWriteLocked();
    }
    if (write) StartWrite(&request_);
    StartCall();
  }

  // Bench thread: sends no more requests and half-closes once every outstanding
  // one is answered.
  void Stop() {
    bool writes_done = false;
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      writes_done = TakeWritesDoneLocked();
    }
    if (writes_done) StartWritesDone();
    RemoveHold();
  }

  // Thread-safe until this stream is destroyed.
  void Cancel() { context_.TryCancel(); }

  // Thread-safe. Relaxed: a statistic read while the count moves.
  uint64_t responses() const { return responses_.load(std::memory_order_relaxed); }

  // Bench thread, after OnDone().
  uint64_t mismatches() {
    absl::MutexLock lock(&mu_);
    return mismatches_;
  }
  std::vector<double> TakeLatencies() {
    absl::MutexLock lock(&mu_);
    return std::move(latencies_us_);
  }

  // Reaction: checks the response against what was sent and tops up the window.
  void OnReadDone(bool ok) override {
    if (!ok) {  // The server finished (or the call broke): nothing more will arrive.
      bool writes_done = false;
      {
        absl::MutexLock lock(&mu_);
        read_closed_ = true;
        writes_done = TakeWritesDoneLocked();
      }
      if (writes_done) StartWritesDone();
      return;
    }
    const Clock::time_point now = Clock::now();
    bool write = false;
    bool writes_done = false;
    {
      absl::MutexLock lock(&mu_);
      const uint64_t expected = received_ + 1;
      CheckResponseLocked(expected);
      if (response_.final()) {
        ++received_;
        if (run_.recording.load(std::memory_order_relaxed)) {
          latencies_us_.push_back(
              std::chrono::duration<double, std::micro>(now - send_times_[expected % window_])
                  .count());
        }
      }
      write = TakeWriteLocked();
      writes_done = TakeWritesDoneLocked();
    }
    responses_.fetch_add(1, std::memory_order_relaxed);
    if (write) StartWrite(&request_);
    if (writes_done) StartWritesDone();
    StartRead(&response_);
  }

  // Reaction: the write buffer is free again; send the next request if allowed.
  void OnWriteDone(bool ok) override {
    bool write = false;
    bool writes_done = false;
    {
      absl::MutexLock lock(&mu_);
      write_in_flight_ = false;
      if (!ok) write_broken_ = true;
      write = TakeWriteLocked();
      writes_done = TakeWritesDoneLocked();
    }
    if (write) StartWrite(&request_);
    if (writes_done) StartWritesDone();
  }

  // Reaction: the last one. Do not touch `this` after CallDone().
  void OnDone(const grpc::Status& status) override {
    run_.CallDone(absl::StrCat("stream ", index_), status);
  }

 private:
  // Counts and describes a response that does not answer request `expected`.
  void CheckResponseLocked(uint64_t expected) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::string problem;
    if (response_.request_sequence() != expected) {
      problem =
          absl::StrCat("answers request ", response_.request_sequence(), ", expected ", expected);
    } else if (response_.has_error()) {
      problem = absl::StrCat("request ", expected, " got error ", response_.error().code(), ": ",
                             response_.error().message());
    } else if (!response_.final()) {
      problem = absl::StrCat("request ", expected, " got a non-final response");
    } else if (response_.payload() != payload_) {
      problem = absl::StrCat("request ", expected, " got a different payload (",
                             response_.payload().size(), " bytes)");
    } else if (response_.stream_id() != request_.stream_id()) {
      problem = absl::StrCat("request ", expected, " got stream_id '", response_.stream_id(), "'");
    } else if (response_.sequence() <= last_response_sequence_) {
      problem = absl::StrCat("response sequence ", response_.sequence(), " after ",
                             last_response_sequence_);
    }
    last_response_sequence_ = response_.sequence();
    if (problem.empty()) return;
    ++mismatches_;
    run_.AddProblem(absl::StrCat("stream ", index_, ": ", problem));
  }

  // Prepares request_ for StartWrite if the window and the write slot allow.
  bool TakeWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (write_in_flight_ || stopping_ || write_broken_ || read_closed_) return false;
    if (next_sequence_ - 1 - received_ >= window_) return false;
    request_.set_sequence(next_sequence_);
    if (next_sequence_ == 1) {
      request_.set_model(model_);
    } else if (next_sequence_ == 2) {
      request_.clear_model();  // Only the first request selects the model.
    }
    send_times_[next_sequence_ % window_] = Clock::now();
    ++next_sequence_;
    write_in_flight_ = true;
    return true;
  }

  // True once, when stopping and nothing is left to write or to wait for.
  bool TakeWritesDoneLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!stopping_ || writes_done_ || write_in_flight_) return false;
    if (!read_closed_ && !write_broken_ && received_ + 1 < next_sequence_) return false;
    writes_done_ = true;
    return true;
  }

  const int index_;
  const uint64_t window_;
  const std::string model_;
  const std::string& payload_;  // Owned by RunStreamLoad().
  LoadRunState& run_;
  grpc::ClientContext context_;
  InferResponse response_;  // Target of the one read in flight; read side only.
  std::atomic<uint64_t> responses_{0};

  absl::Mutex mu_;
  // Source of the one write in flight: changed only under mu_ by TakeWriteLocked(),
  // which refuses while a write is in flight, so gRPC may read it unlocked.
  InferRequest request_;
  // Send time of request s at [s % window_]: at most window_ are outstanding.
  std::vector<Clock::time_point> send_times_ ABSL_GUARDED_BY(mu_);
  std::vector<double> latencies_us_ ABSL_GUARDED_BY(mu_);
  uint64_t next_sequence_ ABSL_GUARDED_BY(mu_) = 1;  // Of the next request to send.
  uint64_t received_ ABSL_GUARDED_BY(mu_) = 0;       // Final responses so far.
  uint64_t last_response_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t mismatches_ ABSL_GUARDED_BY(mu_) = 0;
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool write_broken_ ABSL_GUARDED_BY(mu_) = false;
  bool read_closed_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool writes_done_ ABSL_GUARDED_BY(mu_) = false;
};

uint64_t TotalResponses(const std::vector<std::unique_ptr<LoadStream>>& streams) {
  uint64_t total = 0;
  for (const auto& stream : streams) total += stream->responses();
  return total;
}

}  // namespace

StreamLoadResult RunStreamLoad(const StreamLoadOptions& options) {
  StreamLoadResult result;
  std::shared_ptr<grpc::Channel> channel = ConnectForLoad(options.target, options.streams, result);
  if (channel == nullptr) return result;
  std::unique_ptr<::sluice::v1::Inference::Stub> stub = ::sluice::v1::Inference::NewStub(channel);

  const std::string payload = PatternPayload(options.payload_bytes);
  LoadRunState run;
  std::vector<std::unique_ptr<LoadStream>> streams;
  for (int i = 0; i < options.streams; ++i) {
    streams.push_back(std::make_unique<LoadStream>(i, options, payload, run));
  }
  for (auto& stream : streams) stream->Start(*stub);
  MeasureInterval(
      options, [&streams]() { return TotalResponses(streams); }, run, result);

  for (auto& stream : streams) stream->Stop();
  if (!run.AwaitDone(options.streams, options.drain_timeout_seconds)) {
    run.AddProblem(absl::StrCat("streams did not finish within ", options.drain_timeout_seconds,
                                " s of half-closing; cancelled them"));
    for (auto& stream : streams) stream->Cancel();
    if (!run.AwaitDone(options.streams, options.drain_timeout_seconds)) {
      // gRPC still holds reactors it has not called OnDone on; freeing them would be
      // a use-after-free, so they are leaked on purpose.
      for (auto& stream : streams) stream.release();  // NOLINT(bugprone-unused-return-value)
      result.failed_streams = static_cast<uint64_t>(options.streams);
      result.problems = run.problems();
      result.problems.push_back("streams did not finish even after cancellation");
      return result;
    }
  }
  for (auto& stream : streams) {
    result.responses += stream->responses();
    result.mismatches += stream->mismatches();
    std::vector<double> latencies = stream->TakeLatencies();
    result.latencies_us.insert(result.latencies_us.end(), latencies.begin(), latencies.end());
  }
  std::sort(result.latencies_us.begin(), result.latencies_us.end());
  result.failed_streams = run.failed_calls();
  result.model_missing = run.model_missing();
  result.problems = run.problems();
  return result;
}

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(q * static_cast<double>(sorted.size()));
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace sluice::bench
