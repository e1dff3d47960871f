// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The server-streaming load of sluice_stream_bench: one Generate call at a time, each
// for a large blob in fixed-size chunks, every chunk checked as it arrives.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <absl/base/thread_annotations.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include "bench/call_loads.h"
#include "bench/load_support.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::bench {
namespace {

using ::sluice::v1::InferRequest;
using ::sluice::v1::InferResponse;

constexpr size_t kSha256HexDigits = 64;

class GenerateCall;

// Runs the calls one after another: each call's OnDone() starts the next, until the
// run stops. RunGenerateLoad() owns it; it outlives every call because the bench
// thread waits for WorkerDone(). `mu_` guards the call in flight against Cancel()
// from the bench thread.
class GenerateDriver {
 public:
  GenerateDriver(const StreamLoadOptions& options, ::sluice::v1::Inference::Stub& stub,
                 LoadRunState& run)
      : options_(options), stub_(stub), run_(run) {}

  // Bench thread: starts the first call.
  void Start() { StartNext(); }

  // Bench thread: lets the call in flight finish, and starts no other.
  void Stop() { stopping_.store(true, std::memory_order_relaxed); }

  // Bench thread, until WorkerDone(): cancels the call in flight.
  void Cancel() ABSL_LOCKS_EXCLUDED(mu_);

  // Reaction: `call` finished with `status`; destroys it and starts the next.
  // The caller must not touch itself afterwards.
  void CallDone(GenerateCall* call, const grpc::Status& status) ABSL_LOCKS_EXCLUDED(mu_);

  const StreamLoadOptions& options() const { return options_; }
  LoadRunState& run() { return run_; }

  // Relaxed: statistics, read while they move.
  std::atomic<uint64_t> bytes{0};   // Payload bytes received.
  std::atomic<uint64_t> chunks{0};  // Chunks received.
  std::atomic<uint64_t> mismatches{0};
  std::atomic<uint64_t> calls_completed{0};

 private:
  void StartNext() ABSL_LOCKS_EXCLUDED(mu_);

  const StreamLoadOptions& options_;
  ::sluice::v1::Inference::Stub& stub_;
  LoadRunState& run_;
  std::atomic<bool> stopping_{false};  // Relaxed: checked once per call.
  uint64_t next_number_ = 1;           // Touched by one call's OnDone at a time.

  absl::Mutex mu_;
  std::unique_ptr<GenerateCall> current_ ABSL_GUARDED_BY(mu_);
};

// One Generate call. Its driver owns it. Reactions: one read in flight at a time,
// so OnReadDone() calls never overlap, and OnDone() comes last.
class GenerateCall final : public grpc::ClientReadReactor<InferResponse> {
 public:
  GenerateCall(uint64_t number, GenerateDriver& driver) : number_(number), driver_(driver) {
    const StreamLoadOptions& options = driver.options();
    request_.set_stream_id(absl::StrCat("generate-", number));
    request_.set_sequence(1);
    request_.set_model(options.model);
    (*request_.mutable_parameters())["size_bytes"] = absl::StrCat(options.blob_bytes);
    (*request_.mutable_parameters())["chunk_bytes"] = absl::StrCat(options.chunk_bytes);
    total_chunks_ = (options.blob_bytes + options.chunk_bytes - 1) / options.chunk_bytes;
  }

  void Start(::sluice::v1::Inference::Stub& stub) {
    stub.async()->Generate(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void Cancel() { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // The server finished; OnDone() follows.
    Check();
    ++received_;
    driver_.bytes.fetch_add(response_.payload().size(), std::memory_order_relaxed);
    driver_.chunks.fetch_add(1, std::memory_order_relaxed);
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    if (status.ok() && received_ != total_chunks_) {
      Mismatch(absl::StrCat("ended after ", received_, " of ", total_chunks_, " chunks"));
    }
    driver_.CallDone(this, status);  // Destroys this.
  }

  uint64_t number() const { return number_; }

 private:
  // Compares the chunk just read with chunk `received_` of the blob.
  void Check() {
    if (mismatched_) return;  // One problem per call is enough.
    const StreamLoadOptions& options = driver_.options();
    const uint64_t index = received_;
    const uint64_t offset = index * options.chunk_bytes;
    const auto& parameters = response_.parameters();
    auto number = [&parameters](const char* key) {
      uint64_t value = UINT64_MAX;
      const auto found = parameters.find(key);
      if (found == parameters.end() || !absl::SimpleAtoi(found->second, &value)) return UINT64_MAX;
      return value;
    };
    const bool last = index + 1 == total_chunks_;
    std::string problem;
    if (response_.has_error()) {
      problem =
          absl::StrCat("got error ", response_.error().code(), ": ", response_.error().message());
    } else if (index >= total_chunks_) {
      problem = absl::StrCat("got more than ", total_chunks_, " chunks");
    } else if (number("chunk_index") != index) {
      problem = absl::StrCat("chunk ", index, " says chunk_index ", number("chunk_index"));
    } else if (number("total_chunks") != total_chunks_) {
      problem = absl::StrCat("chunk ", index, " says total_chunks ", number("total_chunks"));
    } else if (number("offset") != offset) {
      problem = absl::StrCat("chunk ", index, " says offset ", number("offset"));
    } else if (response_.payload().size() !=
               std::min<uint64_t>(options.chunk_bytes, options.blob_bytes - offset)) {
      problem = absl::StrCat("chunk ", index, " has ", response_.payload().size(), " bytes");
    } else if (response_.final() != last) {
      problem =
          absl::StrCat("chunk ", index, " of ", total_chunks_, " has final=", response_.final());
    } else if (last && (parameters.count("sha256") == 0 ||
                        parameters.at("sha256").size() != kSha256HexDigits)) {
      problem = "the last chunk has no 64-digit sha256";
    }
    if (!problem.empty()) Mismatch(problem);
  }

  void Mismatch(const std::string& problem) {
    mismatched_ = true;
    driver_.mismatches.fetch_add(1, std::memory_order_relaxed);
    driver_.run().AddProblem(absl::StrCat("generate call ", number_, ": ", problem));
  }

  const uint64_t number_;
  GenerateDriver& driver_;
  grpc::ClientContext context_;
  InferRequest request_;
  InferResponse response_;  // Target of the one read in flight.
  uint64_t total_chunks_ = 0;
  uint64_t received_ = 0;
  bool mismatched_ = false;
};

void GenerateDriver::Cancel() {
  absl::MutexLock lock(&mu_);
  if (current_ != nullptr) current_->Cancel();
}

void GenerateDriver::StartNext() {
  auto call = std::make_unique<GenerateCall>(next_number_++, *this);
  GenerateCall* started = call.get();
  {
    absl::MutexLock lock(&mu_);
    current_ = std::move(call);
  }
  started->Start(stub_);
}

void GenerateDriver::CallDone(GenerateCall* call, const grpc::Status& status) {
  std::unique_ptr<GenerateCall> finished;
  {
    absl::MutexLock lock(&mu_);
    finished = std::move(current_);
  }
  if (status.ok()) {
    calls_completed.fetch_add(1, std::memory_order_relaxed);
  } else {
    run_.CallFailed(absl::StrCat("generate call ", call->number()), status);
  }
  // gRPC makes no further use of a client reactor once its OnDone() runs.
  finished.reset();
  if (!status.ok() || stopping_.load(std::memory_order_relaxed)) {
    run_.WorkerDone();  // The last touch of `this`.
    return;
  }
  StartNext();
}

}  // namespace

StreamLoadResult RunGenerateLoad(const StreamLoadOptions& options) {
  StreamLoadResult result;
  std::shared_ptr<grpc::Channel> channel = ConnectForLoad(options.target, 1, result);
  if (channel == nullptr) return result;
  std::unique_ptr<::sluice::v1::Inference::Stub> stub = ::sluice::v1::Inference::NewStub(channel);
  LoadRunState run;
  GenerateDriver driver(options, *stub, run);
  driver.Start();
  MeasureInterval(
      options, [&driver]() { return driver.bytes.load(std::memory_order_relaxed); }, run, result);
  driver.Stop();
  if (!run.AwaitDone(1, options.drain_timeout_seconds)) {
    run.AddProblem(absl::StrCat("the last generate call did not finish within ",
                                options.drain_timeout_seconds, " s; cancelled it"));
    driver.Cancel();
    // A cancelled call always ends, and the driver must outlive it.
    while (!run.AwaitDone(1, options.drain_timeout_seconds)) {
    }
  }
  result.responses = driver.chunks.load();
  result.mismatches = driver.mismatches.load();
  result.failed_streams = run.failed_calls();
  result.model_missing = run.model_missing();
  result.problems = run.problems();
  if (driver.calls_completed.load() == 0 && result.failed_streams == 0) {
    result.problems.push_back("no generate call completed");
    ++result.mismatches;
  }
  return result;
}

}  // namespace sluice::bench
