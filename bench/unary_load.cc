// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The unary load of sluice_stream_bench: a fixed number of Infer calls in flight on
// one channel, through the callback API, each checked against its request.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <absl/base/thread_annotations.h>
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

// What a run's slots share. Owned by RunUnaryLoad(), which outlives the slots.
struct UnaryShared {
  const StreamLoadOptions& options;
  const std::string& payload;
  ::sluice::v1::Inference::Stub& stub;
  LoadRunState& run;
  // Relaxed: statistics read while they move.
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> mismatches{0};
  std::atomic<bool> stopping{false};
};

// Keeps one Infer call in flight: when it completes, the slot checks it and starts
// the next, until the run stops. RunUnaryLoad() owns it and destroys it after
// WorkerDone(). Start() runs on the bench thread before any reaction; then the
// completion of the call in flight starts the next, and gRPC orders a call's start
// before its completion. Only Cancel(), from the bench thread, runs beside them,
// hence `mu_` around the call in flight.
class UnarySlot {
 public:
  UnarySlot(int index, UnaryShared& shared)
      : index_(index), stream_id_(absl::StrCat("unary-", index)), shared_(shared) {}

  void Start() { StartCall(); }

  // Bench thread, until this slot's WorkerDone(): cancels the call in flight.
  void Cancel() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (current_ != nullptr) current_->context.TryCancel();
  }

 private:
  // The state of one call, fresh for each: gRPC does not let a ClientContext be
  // reused.
  struct Call {
    grpc::ClientContext context;
    InferRequest request;
    InferResponse response;
  };

  void StartCall() ABSL_LOCKS_EXCLUDED(mu_) {
    auto next = std::make_unique<Call>();
    InferRequest& request = next->request;
    request.set_stream_id(stream_id_);
    request.set_sequence(++sequence_);
    request.set_model(shared_.options.model);
    request.set_payload(shared_.payload);
    Call* call = next.get();
    {
      absl::MutexLock lock(&mu_);
      current_ = std::move(next);
    }
    shared_.stub.async()->Infer(&call->context, &call->request, &call->response,
                                [this](grpc::Status status) { OnCallDone(std::move(status)); });
  }

  // Reaction. The callback's call object holds its own reference, so the
  // ClientContext may be destroyed in here.
  void OnCallDone(grpc::Status status) ABSL_LOCKS_EXCLUDED(mu_) {
    std::unique_ptr<Call> done;
    {
      absl::MutexLock lock(&mu_);
      done = std::move(current_);
    }
    if (!status.ok()) {
      shared_.run.CallFailed(absl::StrCat("call ", sequence_, " of slot ", index_), status);
    } else {
      Check(*done);
      shared_.completed.fetch_add(1, std::memory_order_relaxed);
    }
    done.reset();
    // A failing server would make this spin; stop the slot on the first failure.
    if (!status.ok() || shared_.stopping.load(std::memory_order_relaxed)) {
      shared_.run.WorkerDone();  // The last touch of `this`.
      return;
    }
    StartCall();
  }

  void Check(const Call& call) {
    const InferResponse& response = call.response;
    std::string problem;
    if (response.has_error()) {
      problem =
          absl::StrCat("got error ", response.error().code(), ": ", response.error().message());
    } else if (response.request_sequence() != call.request.sequence()) {
      problem = absl::StrCat("answers request ", response.request_sequence());
    } else if (!response.final()) {
      problem = "got a non-final response";
    } else if (response.payload() != shared_.payload) {
      problem = absl::StrCat("got a different payload (", response.payload().size(), " bytes)");
    } else if (response.stream_id() != stream_id_) {
      problem = absl::StrCat("got stream_id '", response.stream_id(), "'");
    }
    if (problem.empty()) return;
    shared_.mismatches.fetch_add(1, std::memory_order_relaxed);
    shared_.run.AddProblem(
        absl::StrCat("call ", call.request.sequence(), " of slot ", index_, ": ", problem));
  }

  const int index_;
  const std::string stream_id_;
  UnaryShared& shared_;
  uint64_t sequence_ = 0;  // Of the call in flight; touched by one call at a time.
  absl::Mutex mu_;
  std::unique_ptr<Call> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

StreamLoadResult RunUnaryLoad(const StreamLoadOptions& options) {
  StreamLoadResult result;
  std::shared_ptr<grpc::Channel> channel = ConnectForLoad(options.target, options.streams, result);
  if (channel == nullptr) return result;
  std::unique_ptr<::sluice::v1::Inference::Stub> stub = ::sluice::v1::Inference::NewStub(channel);
  const std::string payload = PatternPayload(options.payload_bytes);
  LoadRunState run;
  UnaryShared shared{options, payload, *stub, run};

  std::vector<std::unique_ptr<UnarySlot>> slots;
  for (int i = 0; i < options.streams; ++i) slots.push_back(std::make_unique<UnarySlot>(i, shared));
  for (auto& slot : slots) slot->Start();
  MeasureInterval(
      options, [&shared]() { return shared.completed.load(std::memory_order_relaxed); }, run,
      result);
  shared.stopping.store(true, std::memory_order_relaxed);

  if (!run.AwaitDone(options.streams, options.drain_timeout_seconds)) {
    run.AddProblem(absl::StrCat("unary calls did not finish within ", options.drain_timeout_seconds,
                                " s; cancelled them"));
    for (auto& slot : slots) slot->Cancel();
    // A cancelled call always completes, and the slots must outlive their calls.
    while (!run.AwaitDone(options.streams, options.drain_timeout_seconds)) {
    }
  }
  result.responses = shared.completed.load();
  result.mismatches = shared.mismatches.load();
  result.failed_streams = run.failed_calls();
  result.model_missing = run.model_missing();
  result.problems = run.problems();
  return result;
}

}  // namespace sluice::bench
