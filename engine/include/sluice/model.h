// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The model plug-in interface: what a platform implements to serve its models
// through Sluice. A Model creates one ModelSession per stream; the session
// receives that stream's requests in order and emits responses through a sink.

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/v1/inference.pb.h"

namespace sluice {

/// What a session call asks the engine to do next.
class Step {
 public:
  enum class Kind { kDone, kResume, kResumeAfter, kWait, kFail };

  /// The current request (or half-close) is complete. The last response
  /// emitted for it is marked `final`.
  static Step Done() { return Step(Kind::kDone); }
  /// More to emit: call OnResume() as soon as the outbound window has room.
  static Step Resume() { return Step(Kind::kResume); }
  /// More to emit later: call OnResume() after `delay` (and once there is
  /// room). The pool thread is free meanwhile; nothing sleeps.
  static Step ResumeAfter(std::chrono::nanoseconds delay) {
    Step step(Kind::kResumeAfter);
    step.delay_ = delay;
    return step;
  }
  /// More to emit when something outside the engine happens (a publisher, a
  /// backend callback): call OnResume() once SessionContext::Notify() has been
  /// called (and there is room). A Notify() that came before Wait() counts, so
  /// none is lost; OnResume() may therefore find nothing new and Wait() again.
  static Step Wait() { return Step(Kind::kWait); }
  /// Unrecoverable: the stream is closed with `status` (must not be OK).
  static Step Fail(absl::Status status) {
    Step step(Kind::kFail);
    step.status_ = status.ok() ? absl::InternalError("model failed with an OK status") : status;
    return step;
  }

  Kind kind() const { return kind_; }
  std::chrono::nanoseconds delay() const { return delay_; }
  const absl::Status& status() const { return status_; }

 private:
  explicit Step(Kind kind) : kind_(kind) {}
  Kind kind_;
  std::chrono::nanoseconds delay_{0};
  absl::Status status_;
};

/// Where a session puts its responses during one call.
///
/// Ownership: the engine's; valid only during the call it is passed to.
/// Threads: only the thread running that call may use it.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  /// How many more responses fit in the stream's outbound window now. Every
  /// session call starts with room() >= 1.
  virtual uint32_t room() const = 0;
  /// Queues a response to the current request; the engine fills stream_id,
  /// sequence, request_sequence, model, timestamp and final. Returns false,
  /// and drops nothing already queued, when room() == 0: return Resume() and
  /// emit it from OnResume(). Takes an rvalue: the response is moved once,
  /// into the stream's queue (pass std::move(response), or a copy).
  [[nodiscard]] virtual bool Emit(v1::InferResponse&& response) = 0;
  /// Queues an error response (code and message) to the current request; the
  /// stream stays open. Same room rule as Emit().
  [[nodiscard]] virtual bool EmitError(const absl::Status& status) = 0;
};

/// The gRPC method kind a stream was opened with. A model may serve several
/// kinds differently: a single-response kind (unary, client streaming) must
/// emit exactly one response per call, its answer; an error response ends
/// such a call with that status.
enum class RpcKind {
  kUnary,            ///< Infer: one request, one response.
  kServerStreaming,  ///< Generate: one request, many responses.
  kClientStreaming,  ///< Ingest: many requests, one response (at half-close).
  kBidiStreaming,    ///< Stream: many requests, many responses.
};

/// What a session knows about its stream.
///
/// Ownership: shared by the engine and the session; outlives the session.
/// Threads: accessors are thread-safe.
class SessionContext {
 public:
  SessionContext(std::string stream_id, std::string model, std::string model_version,
                 std::chrono::system_clock::time_point deadline,
                 RpcKind rpc_kind = RpcKind::kBidiStreaming)
      : stream_id_(std::move(stream_id)),
        model_(std::move(model)),
        model_version_(std::move(model_version)),
        deadline_(deadline),
        rpc_kind_(rpc_kind) {}

  const std::string& stream_id() const { return stream_id_; }
  const std::string& model() const { return model_; }
  const std::string& model_version() const { return model_version_; }
  RpcKind rpc_kind() const { return rpc_kind_; }
  /// The call's deadline: the client's, tightened by the server's default and
  /// maximum (EngineOptions), or time_point::max() when there is none. Model
  /// work should not run past it.
  std::chrono::system_clock::time_point deadline() const { return deadline_; }
  /// True once the stream's actor has handled a cancellation (by the client,
  /// its deadline, a broken connection, or the server shutting down): within
  /// one message turn of it, not at the instant the client cancelled. Stays
  /// false when the stream ends normally. A long model call polls this.
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

  /// Thread-safe, from any thread: wakes a session that returned Step::Wait().
  /// Cheap, and harmless after the stream ended.
  void Notify() const {
    if (auto target = notify_target_.lock()) notify_(target.get());
  }

  /// Engine-only: marks the stream cancelled.
  void MarkCancelled() { cancelled_.store(true, std::memory_order_release); }
  /// Engine-only, before the session is created: Notify() calls
  /// `notify(target)` while `target` lives. (A function and a weak
  /// reference, not a std::function: that would allocate once per stream.)
  void SetNotifier(std::weak_ptr<void> target, void (*notify)(void* target)) {
    notify_target_ = std::move(target);
    notify_ = notify;
  }

 private:
  const std::string stream_id_;
  const std::string model_;
  const std::string model_version_;
  const std::chrono::system_clock::time_point deadline_;
  const RpcKind rpc_kind_;
  // Set once before the model sees this context, then only read.
  std::weak_ptr<void> notify_target_;
  void (*notify_)(void* target) = nullptr;
  // Release/acquire: a model that sees `true` also sees what the engine did
  // before cancelling.
  std::atomic<bool> cancelled_{false};
};

/// The per-stream state of a model.
///
/// Ownership: the engine owns it (created by Model::NewSession) and destroys it
/// when the stream ends.
/// Threads: one call at a time per session, never concurrently, on a model
/// pool thread (Execution::kModelPool) or a stream pool thread
/// (Execution::kInline); never on a gRPC callback thread. Calls must not throw; an escaped
/// exception closes the stream with INTERNAL. A call that blocks holds its thread: prefer
/// ResumeAfter() or Wait() to sleeping.
class ModelSession {
 public:
  virtual ~ModelSession() = default;
  /// A request arrived. Requests of one stream arrive in order, each after
  /// the previous one returned Done(). `request` stays valid through the
  /// OnResume() calls that follow, until the call returns Done(); then the
  /// engine reuses its memory for a later request, of this stream or
  /// another, so copy what you keep beyond that.
  virtual Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) = 0;
  /// Continue the current request after Resume() / ResumeAfter().
  virtual Step OnResume(ResponseSink& sink) {
    (void)sink;
    return Step::Done();
  }
  /// The client will send no more requests (called after the last request is
  /// done). Responses emitted here answer the last request.
  virtual Step OnHalfClose(ResponseSink& sink) {
    (void)sink;
    return Step::Done();
  }
  /// The stream was cancelled (client, deadline, broken connection, shutdown);
  /// no more calls follow. Not called after the session's own Fail().
  virtual void OnCancel() {}
};

/// A servable model: a factory of sessions.
///
/// Ownership: shared by the engine's model registry and every live session.
/// Threads: NewSession() is called where the model's sessions run (see
/// ModelSession), concurrently for different streams, so it must be
/// thread-safe.
class Model {
 public:
  virtual ~Model() = default;
  /// Creates the state of one stream. An error closes the stream with it.
  virtual absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) = 0;
};

/// Where a model's sessions run.
enum class Execution {
  /// On the model thread pool: for models whose calls block or burn CPU. A
  /// slow model never stalls stream handling. The default.
  kModelPool,
  /// On the stream pool, right after the turn that woke the session, on the
  /// same thread where that turn ran on a pool thread (saving a hop), but
  /// never inside a gRPC reaction: model code never runs on a gRPC callback
  /// thread. Only for models whose calls never block and take microseconds
  /// (routing, feature lookup, echo): a slow one delays stream handling.
  kInline,
};

/// A model as registered with the engine.
struct ModelSpec {
  std::string name;
  /// Empty means "1". A request that names no version gets the highest
  /// registered version: the largest numeric one, or if none is numeric, the
  /// last in text order.
  std::string version;
  std::shared_ptr<Model> model;
  /// The most requests one stream may have in flight toward this model's
  /// sessions (the model's capacity); 0 uses the engine's credits_per_stream.
  /// A stream gets min(this, credits_per_stream).
  uint32_t max_credits_per_stream = 0;
  Execution execution = Execution::kModelPool;
  /// Threads of a pool of this model's own (kModelPool models only), so a slow
  /// model cannot take the shared pool's threads from the others; 0 shares
  /// the engine's model pool.
  uint32_t worker_threads = 0;
  /// Streams open on this model at once (all versions); one more is refused
  /// with RESOURCE_EXHAUSTED before its session is created. 0: no limit.
  uint32_t max_streams = 0;
  /// Requests in flight to this model at once (all versions and streams);
  /// one more is refused with RESOURCE_EXHAUSTED. 0: no limit.
  uint32_t max_requests_in_flight = 0;
  /// The longest a call may run once its first request selected this model;
  /// past it the call ends with DEADLINE_EXCEEDED and the session is told
  /// (OnCancel). It tightens the call's deadline (SessionContext::deadline).
  /// 0: no limit beyond the call's own deadline.
  std::chrono::milliseconds timeout{0};
};

}  // namespace sluice
