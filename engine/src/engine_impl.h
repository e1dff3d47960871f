// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// EngineImpl: wires the thread pools, the model registry, the gRPC server and
// the inference service together, and runs the drain on shutdown.

#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "actors/actor_census.h"
#include "actors/live_streams.h"
#include "actors/model_registry.h"
#include "actors/scheduler.h"
#include "actors/stream_environment.h"
#include "metrics/engine_counters.h"
#include "sluice/engine.h"
#include "transports/grpc/inference_service.h"

namespace sluice {

/// The engine behind the public Engine handle.
///
/// Ownership: owned by Engine. Member order is destruction order in reverse:
/// the server goes first, then the service, then the pools (joined), then
/// what actors point at (environment, live set, counters).
/// Threads: as Engine; lifecycle transitions are serialized by `mu_`.
class EngineImpl {
 public:
  explicit EngineImpl(EngineOptions options) : options_(std::move(options)) {}
  ~EngineImpl();

  absl::Status RegisterModel(ModelSpec spec) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Start() ABSL_LOCKS_EXCLUDED(mu_);
  int port() const ABSL_LOCKS_EXCLUDED(mu_);
  void Shutdown(std::chrono::milliseconds drain) ABSL_LOCKS_EXCLUDED(mu_);
  EngineStats Stats() const;

 private:
  enum class State { kCreated, kRunning, kStopped };

  const EngineOptions options_;
  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kCreated;
  int port_ ABSL_GUARDED_BY(mu_) = 0;
  actors::ModelRegistry registry_ ABSL_GUARDED_BY(mu_);

  metrics::EngineCounters counters_;
  actors::ActorCensus census_;
  actors::LiveStreams live_streams_;
  std::optional<actors::StreamEnvironment> environment_;
  std::unique_ptr<actors::AsioScheduler> model_pool_;
  std::unique_ptr<actors::AsioScheduler> stream_pool_;
  std::unique_ptr<transport::InferenceService> service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace sluice
