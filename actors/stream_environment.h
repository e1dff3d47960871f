// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// StreamSettings and StreamEnvironment: what every stream actor is created
// with (its limits, its thread pools, the models, the counters).

#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/thread_pool.hpp>

#include "actors/model_registry.h"
#include "metrics/engine_counters.h"
#include "metrics/engine_metrics.h"

namespace sluice::actors {

class ActorCensus;
class LiveStreams;

/// Per-stream limits (copied into each stream at its start).
struct StreamSettings {
  uint32_t credits_per_stream = 8;
  /// Responses a stream may hold toward its client, including the one being
  /// written. At least 1.
  uint32_t outbound_window = 16;
  uint64_t max_payload_bytes = 4u << 20;
  uint32_t max_messages_per_turn = 64;
};

/// The shared context stream actors are created in.
///
/// Ownership: owned by the engine; outlives every stream (the engine waits for
/// all streams to end before destroying it).
/// Threads: read-only after the engine starts; safe from any thread.
struct StreamEnvironment {
  boost::asio::thread_pool::executor_type stream_executor;
  boost::asio::thread_pool::executor_type model_executor;
  StreamSettings settings;
  std::shared_ptr<const ModelRegistry> registry;
  metrics::EngineCounters* counters = nullptr;
  /// Null when the engine records no Prometheus metrics.
  metrics::EngineMetrics* metrics = nullptr;
  LiveStreams* live_streams = nullptr;
  ActorCensus* census = nullptr;
  /// Reactions run an idle stream actor's turn inline (Actor::SendInline).
  bool run_inline = true;
};

}  // namespace sluice::actors
