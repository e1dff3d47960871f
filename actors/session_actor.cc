// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/session_actor.h"

#include <utility>

#include "actors/stream_actor.h"

namespace sluice::actors {

SessionActor::SessionActor(ActorCensus* census, Executor executor, uint32_t max_messages_per_turn,
                           std::shared_ptr<const ModelRegistry> registry, const ModelEntry& model,
                           std::shared_ptr<SessionContext> context,
                           std::shared_ptr<StreamActor> stream, uint32_t window,
                           metrics::EngineCounters* counters)
    : Actor(executor, max_messages_per_turn, Placement::kOwnPool),
      core_(this, census, executor, std::move(registry), model, std::move(context), window,
            counters),
      stream_(std::move(stream)) {}

void SessionActor::Receive(SessionMessage& message) {
  core_.Accept(message);
  if (std::holds_alternative<CancelSession>(message) ||
      std::holds_alternative<CloseSession>(message)) {
    stream_.reset();  // Breaks the cycle: the stream no longer hears from us.
    CloseMailbox();
    return;
  }
  // Pumped per message, not per batch: a request done at once leaves the
  // backlog empty for the next.
  if (core_.pump_wanted()) core_.Pump();
}

// Everything the batch's calls produced goes to the stream in one message:
// a batch of readings' credits together.
void SessionActor::AfterBatch() {
  if (stream_ != nullptr && core_.has_output()) stream_->Send(core_.TakeOutput());
}

}  // namespace sluice::actors
