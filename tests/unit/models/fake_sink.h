// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Drives a ModelSession the way the engine's session actor does, without
// gRPC or actors: a ResponseSink that records, and helpers to run calls.

#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sluice/model.h"

namespace sluice::models::testing {

/// Records what a session emits. `room` is what room() reports at the start
/// of each call (see Call()); each emit uses one.
///
/// Ownership: the test's. Threads: one at a time.
class FakeSink final : public ResponseSink {
 public:
  explicit FakeSink(uint32_t room_per_call = 16) : room_per_call_(room_per_call) {}

  uint32_t room() const override { return room_; }
  bool Emit(v1::InferResponse&& response) override {
    if (room_ == 0) return false;
    --room_;
    response.clear_error();
    responses_.push_back(std::move(response));
    return true;
  }
  bool EmitError(const absl::Status& status) override {
    if (room_ == 0) return false;
    --room_;
    v1::InferResponse response;
    response.mutable_error()->set_code(static_cast<int32_t>(status.code()));
    response.mutable_error()->set_message(std::string(status.message()));
    responses_.push_back(std::move(response));
    return true;
  }

  /// Called before each session call, as the engine grants a call its room.
  void StartCall() { room_ = room_per_call_; }
  void set_room_per_call(uint32_t room) { room_per_call_ = room; }

  std::vector<v1::InferResponse>& responses() { return responses_; }
  std::vector<v1::InferResponse> TakeResponses() { return std::exchange(responses_, {}); }

 private:
  uint32_t room_per_call_;
  uint32_t room_ = 0;
  std::vector<v1::InferResponse> responses_;
};

/// A context for `model` on a stream of `kind`, whose Notify() counts into
/// `*notifications` when given.
inline std::shared_ptr<SessionContext> MakeContext(
    const std::string& model, RpcKind kind,
    std::shared_ptr<std::atomic<int>> notifications = nullptr) {
  auto context = std::make_shared<SessionContext>(
      "stream-1", model, "1", std::chrono::system_clock::time_point::max(), kind);
  if (notifications != nullptr) {
    context->SetNotifier(
        notifications, [](void* target) { static_cast<std::atomic<int>*>(target)->fetch_add(1); });
  }
  return context;
}

/// A request with `payload` and parameters.
inline v1::InferRequest MakeRequest(
    std::string payload, std::vector<std::pair<std::string, std::string>> parameters = {},
    uint64_t sequence = 0) {
  v1::InferRequest request;
  request.set_payload(std::move(payload));
  request.set_sequence(sequence);
  for (auto& [key, value] : parameters) (*request.mutable_parameters())[key] = value;
  return request;
}

/// Continues after `step` as the engine does when the client reads at once:
/// OnResume() while the session asks for Resume/ResumeAfter (no clock: a
/// delay is skipped). Returns the first Done, Wait or Fail.
inline Step Continue(ModelSession& session, FakeSink& sink, Step step) {
  while (step.kind() == Step::Kind::kResume || step.kind() == Step::Kind::kResumeAfter) {
    sink.StartCall();
    step = session.OnResume(sink);
  }
  return step;
}

inline Step Request(ModelSession& session, FakeSink& sink, const v1::InferRequest& request) {
  sink.StartCall();
  return Continue(session, sink, session.OnRequest(request, sink));
}

inline Step HalfClose(ModelSession& session, FakeSink& sink) {
  sink.StartCall();
  return Continue(session, sink, session.OnHalfClose(sink));
}

inline Step Resume(ModelSession& session, FakeSink& sink) {
  sink.StartCall();
  return Continue(session, sink, session.OnResume(sink));
}

/// The value of response parameter `name`, or "" when it has none.
inline std::string Param(const v1::InferResponse& response, const std::string& name) {
  auto it = response.parameters().find(name);
  return it == response.parameters().end() ? "" : it->second;
}

/// A session of `model` on a stream of `kind`; fails the test if refused.
inline std::unique_ptr<ModelSession> OpenSession(Model& model,
                                                 const std::shared_ptr<SessionContext>& context) {
  auto session = model.NewSession(context);
  EXPECT_TRUE(session.ok()) << session.status();
  return session.ok() ? *std::move(session) : nullptr;
}

}  // namespace sluice::models::testing
