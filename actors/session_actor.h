// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// SessionActor: runs one stream's model session (a SessionCore) on the model
// thread pool, one call at a time, paced by the window credit its stream
// grants.

#pragma once

#include <cstdint>
#include <memory>

#include "actors/actor.h"
#include "actors/actor_census.h"
#include "actors/model_registry.h"
#include "actors/session_core.h"
#include "actors/stream_messages.h"
#include "metrics/engine_counters.h"
#include "sluice/model.h"

namespace sluice::actors {

class StreamActor;

/// The model side of a stream whose model runs on a model pool
/// (Execution::kModelPool): a SessionCore in an actor of its own, so a slow
/// model never holds up its stream. (An inline model's core runs in the
/// stream actor's own turns instead: see StreamActor.) It sends what the
/// model produced to its stream in one SessionOutput per batch.
///
/// Ownership: shared by its StreamActor (which created it) and by its own
/// scheduled turns and timer. It holds a strong reference to the stream until
/// CloseSession / CancelSession, which break the cycle.
/// Threads: runs on the model pool. Send() is thread-safe; the rest
/// actor-only.
class SessionActor final : public Actor<SessionMessage>, private SessionHost {
 public:
  /// `model` is an entry of `registry`; `stream` receives SessionOutput;
  /// `window` is the initial room.
  SessionActor(ActorCensus* census, Executor executor, uint32_t max_messages_per_turn,
               std::shared_ptr<const ModelRegistry> registry, const ModelEntry& model,
               std::shared_ptr<SessionContext> context, std::shared_ptr<StreamActor> stream,
               uint32_t window, metrics::EngineCounters* counters);

  /// Thread-safe: the context is set at construction and never replaced.
  const std::shared_ptr<SessionContext>& context() const { return core_.context(); }

 protected:
  void Receive(SessionMessage& message) override;
  void AfterBatch() override;

 private:
  void PostSessionEvent(SessionMessage&& event) override { Send(std::move(event)); }
  void ContinueSessionLater() override {
    Send(ContinuePump{});  // Picked up by the next turn...
    YieldTurn();           // ...which is posted, so other sessions run first.
  }
  std::shared_ptr<SessionHost> SessionHostRef() override {
    return std::shared_ptr<SessionHost>(shared_from_this(), this);
  }

  SessionCore core_;
  std::shared_ptr<StreamActor> stream_;
};

}  // namespace sluice::actors
