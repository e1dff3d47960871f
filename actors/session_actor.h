// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// SessionActor: runs one stream's model session on the model thread pool,
// one call at a time, paced by the window credit its stream grants.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "actors/actor.h"
#include "actors/actor_census.h"
#include "actors/model_registry.h"
#include "actors/request_buffer.h"
#include "actors/ring_queue.h"
#include "actors/stream_messages.h"
#include "metrics/engine_counters.h"
#include "sluice/model.h"

namespace sluice::actors {

class StreamActor;

/// The model side of one stream.
///
/// It owns the ModelSession (created on the first request) and calls it for each
/// request in order: a request starts only when the previous one is Done, and
/// every call starts with outbound room >= 1. Room is the stream's window
/// credit: it starts at outbound_window, shrinks by one per
/// response emitted, and grows by WindowGrant as the stream's writes complete,
/// so a model that generates faster than the client reads is paused (it is
/// simply not called) instead of buffering.
///
/// Ownership: shared by its StreamActor (which created it) and by its own
/// scheduled turns and timer. It holds a strong reference to the stream until
/// CloseSession / CancelSession, which break the cycle.
/// Threads: runs on the model pool, or, for an Execution::kInline model, on
/// whatever thread ran the stream turn that woke it. Send() is thread-safe;
/// the rest actor-only.
class SessionActor final : public Actor<SessionMessage> {
 public:
  /// `model` is an entry of `registry`; `stream` receives SessionOutput;
  /// `window` is the initial room. The executor is the model pool's, or the
  /// stream pool's for an inline model.
  SessionActor(ActorCensus* census, Executor executor, uint32_t max_messages_per_turn,
               std::shared_ptr<const ModelRegistry> registry, const ModelEntry& model,
               std::shared_ptr<SessionContext> context, std::shared_ptr<StreamActor> stream,
               uint32_t window, metrics::EngineCounters* counters);
  ~SessionActor() override;

 protected:
  void Receive(SessionMessage& message) override;
  void AfterBatch() override;

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
  void InstallNotifier();
  void Pump();
  Step CallModel(CallSink& sink);
  // Runs one call into the model, timing it for the metrics.
  template <typename Call>
  Step TimedCall(Call call);
  void CountModelErrors(const std::vector<v1::InferResponse>& responses, const Step& step) const;
  // Adds what a call produced to output_.
  void Deliver(CallSink& sink, const Step& step);
  void ArmTimer(std::chrono::nanoseconds delay);
  void Release(bool cancelled);

  ActorCensus* const census_;
  // The registry the model was found in, held so the entry stays while the
  // session lives (it may outlive its stream, and a reload may replace the
  // registry meanwhile).
  const std::shared_ptr<const ModelRegistry> registry_;
  const ModelEntry& model_;  // In registry_.
  const std::shared_ptr<SessionContext> context_;
  metrics::EngineCounters* const counters_;
  std::optional<boost::asio::steady_timer> timer_;
  std::unique_ptr<ModelSession> session_;
  std::shared_ptr<StreamActor> stream_;

  RingQueue<Work> backlog_;
  std::optional<Work> current_;
  bool current_started_ = false;
  bool resume_wanted_ = false;
  bool waiting_for_notify_ = false;  // The model returned Step::Wait().
  bool notify_pending_ = false;      // A Notify() not yet consumed by a Wait().
  bool timer_pending_ = false;
  uint64_t timer_generation_ = 0;
  uint32_t room_;
  bool failed_ = false;
  bool released_ = false;
  // What this batch's model calls produced, sent to the stream by AfterBatch().
  SessionOutput output_;
  uint64_t last_request_sequence_ = 0;
  int64_t last_timestamp_ = 0;
};

}  // namespace sluice::actors
