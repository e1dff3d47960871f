// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// GatedModel: a model whose requests all wait at a gate the test opens, so a
// test can hold hundreds of calls of every kind in flight (a drain begins
// with them open) and then let them finish at once.

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "sluice/model.h"

namespace sluice::testing {

/// Ownership: shared by the test and the model's sessions.
/// Threads: thread-safe.
class Gate {
 public:
  /// A session opened; Open() will wake it.
  void Join(std::shared_ptr<const SessionContext> context) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    contexts_.push_back(std::move(context));
  }
  bool open() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return open_;
  }
  /// Opens the gate and wakes every session waiting at it.
  void Open() ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<std::shared_ptr<const SessionContext>> contexts;
    {
      absl::MutexLock lock(&mu_);
      open_ = true;
      contexts = contexts_;
    }
    for (const auto& context : contexts) context->Notify();
  }
  /// Blocks until `count` sessions have opened.
  void WaitForSessions(size_t count) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, count]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return contexts_.size() >= count; };
    mu_.Await(absl::Condition(&enough));
  }

 private:
  mutable absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::shared_ptr<const SessionContext>> contexts_ ABSL_GUARDED_BY(mu_);
};

/// Every request waits for the gate, then is answered by its kind: unary and
/// bidi with one response echoing the payload, server streaming with
/// kGeneratedResponses responses, client streaming with none (the call's one
/// response, at half-close, carries the "requests" count).
class GatedModel final : public Model {
 public:
  static constexpr int kGeneratedResponses = 5;

  explicit GatedModel(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}

  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override {
    gate_->Join(context);
    return std::make_unique<Session>(gate_, context->rpc_kind());
  }

 private:
  class Session final : public ModelSession {
   public:
    Session(std::shared_ptr<Gate> gate, RpcKind kind) : gate_(std::move(gate)), kind_(kind) {}

    Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
      ++requests_;
      payload_ = request.payload();
      to_emit_ = kind_ == RpcKind::kServerStreaming   ? kGeneratedResponses
                 : kind_ == RpcKind::kClientStreaming ? 0
                                                      : 1;
      return OnResume(sink);
    }
    Step OnResume(ResponseSink& sink) override {
      if (!gate_->open()) return Step::Wait();
      while (to_emit_ > 0 && sink.room() > 0) {
        v1::InferResponse response;
        response.set_payload(payload_);
        if (!sink.Emit(std::move(response))) break;
        --to_emit_;
      }
      return to_emit_ == 0 ? Step::Done() : Step::Resume();
    }
    Step OnHalfClose(ResponseSink& sink) override {
      if (kind_ != RpcKind::kClientStreaming) return Step::Done();
      v1::InferResponse response;
      (*response.mutable_parameters())["requests"] = std::to_string(requests_);
      (void)sink.Emit(std::move(response));
      return Step::Done();
    }

   private:
    std::shared_ptr<Gate> gate_;
    const RpcKind kind_;
    int requests_ = 0;
    int to_emit_ = 0;
    std::string payload_;
  };

  std::shared_ptr<Gate> gate_;
};

}  // namespace sluice::testing
