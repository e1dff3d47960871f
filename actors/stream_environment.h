// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// StreamSettings and StreamEnvironment: what every stream actor is created
// with (its limits, its thread pools, the models, the counters).

#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include "actors/model_registry.h"
#include "actors/replay_window.h"
#include "metrics/engine_counters.h"
#include "metrics/engine_metrics.h"

namespace sluice::actors {

class ActorCensus;
class Admission;
class LiveSettings;
class LiveStreams;
class ModelCatalog;
class ResumableSessions;

/// Per-stream limits. A stream reads them when it starts, and again at its
/// next step whenever they are replaced (LiveSettings); the comments say
/// what an open stream does with a new value.
struct StreamSettings {
  /// Open streams: the new limit applies as their in-flight work completes.
  uint32_t credits_per_stream = 64;
  /// Bytes (serialized) of the requests a stream may have in flight; it reads
  /// another only while under this or with none in flight. 0: no byte limit.
  /// Open streams: as credits_per_stream.
  uint64_t credit_bytes_per_stream = 8u << 20;
  /// Responses a stream may hold toward its client, including the one being
  /// written. At least 1. Open streams: a larger window is granted at once; a
  /// smaller one by withholding grants until occupancy is under it.
  uint32_t outbound_window = 16;
  /// Open streams: checked on each request.
  uint64_t max_payload_bytes = 4u << 20;
  /// New streams only (an actor's turn budget is fixed when it is created).
  uint32_t max_messages_per_turn = 64;
  /// New streams only: the deadline a call without one gets (0: none).
  std::chrono::nanoseconds default_deadline{0};
  /// New streams only: no call may run longer (0: no cap).
  std::chrono::nanoseconds max_deadline{0};
  /// New sessions only: how long a resumable session outlives a lost call,
  /// waiting to be resumed (0: sessions are not resumable).
  std::chrono::nanoseconds resume_grace{std::chrono::seconds(30)};
  /// New sessions only: what a resumable session keeps for replay.
  ReplayLimits replay;
  /// Admission limits (EngineOptions::admission). A stream counts toward
  /// the server's and its tenant's request limits when they were set when
  /// it started; the limits themselves apply as they are now.
  uint32_t max_requests_in_flight = 0;
  std::string tenant_metadata_key;
  uint32_t max_streams_per_tenant = 0;
  uint32_t max_requests_in_flight_per_tenant = 0;
  std::chrono::milliseconds retry_pushback{1000};
};

/// The shared context stream actors are created in.
///
/// Ownership: owned by the engine; outlives every stream (the engine waits for
/// all streams to end before destroying it).
/// Threads: read-only after the engine starts; safe from any thread.
struct StreamEnvironment {
  boost::asio::thread_pool::executor_type stream_executor;
  boost::asio::thread_pool::executor_type model_executor;
  const LiveSettings* settings = nullptr;
  const ModelCatalog* models = nullptr;
  metrics::EngineCounters* counters = nullptr;
  /// Null when the engine records no Prometheus metrics.
  metrics::EngineMetrics* metrics = nullptr;
  LiveStreams* live_streams = nullptr;
  ResumableSessions* resumable_sessions = nullptr;
  Admission* admission = nullptr;
  ActorCensus* census = nullptr;
  /// Reactions run an idle stream actor's turn inline (Actor::SendInline).
  bool run_inline = true;
};

}  // namespace sluice::actors
