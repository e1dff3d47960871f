// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// SessionCore: one stream's model session and the rules for calling it, run
// by an actor: its own SessionActor, or the stream's actor itself.

#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "actors/actor_census.h"
#include "actors/model_registry.h"
#include "actors/request_buffer.h"
#include "actors/ring_queue.h"
#include "actors/stream_messages.h"
#include "metrics/engine_counters.h"
#include "sluice/model.h"

namespace sluice::actors {

/// What a SessionCore needs from the actor whose turns run it.
class SessionHost {
 public:
  /// Thread-safe: hand `event` (TimerFired, Notified, ContinuePump) to the
  /// core's Accept() in a later turn.
  virtual void PostSessionEvent(SessionMessage&& event) = 0;
  /// Turn-only: the core stopped pumping to give up the thread; end this
  /// turn and deliver ContinuePump in a turn posted to the pool, so that
  /// other actors run first.
  virtual void ContinueSessionLater() = 0;
  /// The host, shared: a timer's handler holds it, the model's Notify() a
  /// weak reference to it.
  virtual std::shared_ptr<SessionHost> SessionHostRef() = 0;

 protected:
  ~SessionHost() = default;
};

/// The model side of one stream.
///
/// It owns the ModelSession (created on the first request) and calls it for
/// each request in order: a request starts only when the previous one is
/// Done, and every call starts with outbound room >= 1. Room is the stream's
/// window credit: it starts at outbound_window, shrinks by one per response
/// emitted, and grows by WindowGrant as the stream's writes complete, so a
/// model that generates faster than the client reads is paused (it is simply
/// not called) instead of buffering.
///
/// Accept() takes the stream's messages (and the host's events) without
/// calling the model; Pump() makes the calls they allow, and collects what
/// the calls produced for TakeOutput().
///
/// Ownership: its host's (a SessionActor's member, or the stream actor's for
/// an inline model). Threads: everything on its host's turns, one at a time;
/// Pump() and Release() run model code, so never in a gRPC reaction.
class SessionCore {
 public:
  using Executor = boost::asio::thread_pool::executor_type;

  /// `model` is an entry of `registry`; `window` is the initial room;
  /// `executor` runs the core's timer. `host` outlives the core's pumping.
  SessionCore(SessionHost* host, ActorCensus* census, Executor executor,
              std::shared_ptr<const ModelRegistry> registry, const ModelEntry& model,
              std::shared_ptr<SessionContext> context, uint32_t window,
              metrics::EngineCounters* counters);
  ~SessionCore();
  SessionCore(const SessionCore&) = delete;
  SessionCore& operator=(const SessionCore&) = delete;

  /// Applies a message for the session: queues work, adds room. Runs no
  /// model code, except that CancelSession and CloseSession release the
  /// session (see Release()).
  void Accept(SessionMessage& message);
  /// True when Accept() gave Pump() something to do.
  bool pump_wanted() const { return pump_wanted_; }
  /// Opens the model's session on the first pump, then calls the model as far
  /// as the work, the room, timers and notifications allow, up to a bound per
  /// call (then it asks its host to continue later).
  void Pump();

  /// True when the calls made produced something for the stream.
  bool has_output() const {
    return !output_.responses.empty() || output_.requests_done != 0 || output_.half_close_done ||
           !output_.fatal.ok();
  }
  SessionOutput TakeOutput() { return std::exchange(output_, SessionOutput{}); }

  /// Ends the session: tells the model when `cancelled` (OnCancel), then
  /// destroys its session and drops all work. Later messages are ignored.
  void Release(bool cancelled);

  const std::shared_ptr<SessionContext>& context() const { return context_; }

 private:
  struct Work {
    bool is_half_close = false;
    RequestPtr request;  // Null for a half-close.
    int64_t timestamp = 0;
    absl::Status rejection;
    uint64_t bytes = 0;  // SessionRequest::bytes.
  };
  class CallSink;

  // Creates the model's session (or fails the stream), before the first request.
  void Open();
  // Queues work for the model, constructed from `fields` (Work's leading
  // members in order; the rest keep their defaults).
  template <typename... WorkFields>
  void Enqueue(WorkFields&&... fields);
  // Makes work the current one, with a fresh call state. Precondition: no
  // current work.
  template <typename... WorkFields>
  void Begin(WorkFields&&... fields);
  // When a pump's previous model call returned (none before its first).
  using CallEnd = std::optional<std::chrono::steady_clock::time_point>;
  Step CallModel(CallSink& sink, CallEnd& previous_end);
  // Runs one call into the model, timing it for the metrics from
  // `previous_end` if set (then updated), else from now.
  template <typename Call>
  Step TimedCall(Call call, CallEnd& previous_end);
  void CountModelErrors(const std::vector<v1::InferResponse>& responses, const Step& step) const;
  // Adds what a call produced to output_.
  void Deliver(CallSink& sink, const Step& step);
  void ArmTimer(std::chrono::nanoseconds delay);

  SessionHost* const host_;
  ActorCensus* const census_;
  const Executor executor_;
  // The registry the model was found in, held so the entry stays while the
  // session lives (it may outlive its stream, and a reload may replace the
  // registry meanwhile).
  const std::shared_ptr<const ModelRegistry> registry_;
  const ModelEntry& model_;  // In registry_.
  const std::shared_ptr<SessionContext> context_;
  metrics::EngineCounters* const counters_;
  std::unique_ptr<boost::asio::steady_timer> timer_;  // Made by the first ResumeAfter().
  std::unique_ptr<ModelSession> session_;

  RingQueue<Work> backlog_;
  std::optional<Work> current_;
  uint64_t timer_generation_ = 0;
  uint64_t last_request_sequence_ = 0;
  int64_t last_timestamp_ = 0;
  uint32_t room_;
  bool current_started_ = false;
  bool resume_wanted_ = false;
  bool waiting_for_notify_ = false;  // The model returned Step::Wait().
  bool notify_pending_ = false;      // A Notify() not yet consumed by a Wait().
  bool timer_pending_ = false;
  // The client sends no more: OnHalfClose follows the backlog. A flag, not
  // queued work: nothing follows it, and a unary call's request and
  // half-close then need no room in the backlog.
  bool half_close_pending_ = false;
  bool pump_wanted_ = false;
  bool failed_ = false;
  bool released_ = false;
  // What the model calls produced since the last TakeOutput().
  SessionOutput output_;
};

}  // namespace sluice::actors
