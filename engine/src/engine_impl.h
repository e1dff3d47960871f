// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// EngineImpl: wires the thread pools, the model registry, the gRPC server and
// the inference service together, and runs the drain on shutdown.

#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "actors/actor_census.h"
#include "actors/admission.h"
#include "actors/live_settings.h"
#include "actors/live_streams.h"
#include "actors/model_registry.h"
#include "actors/resumable_sessions.h"
#include "actors/scheduler.h"
#include "actors/stream_environment.h"
#include "engine/src/model_health.h"
#include "engine/src/stream_gauges_collector.h"
#include "metrics/engine_counters.h"
#include "metrics/engine_metrics.h"
#include "metrics/process_collector.h"
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
  explicit EngineImpl(EngineOptions options);
  ~EngineImpl();

  absl::Status RegisterModel(ModelSpec spec) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status ReplaceModels(std::vector<ModelSpec> models) ABSL_LOCKS_EXCLUDED(mu_);
  // Not under mu_, which Shutdown() holds through the drain: an embedder may
  // mark a model down while the engine drains.
  absl::Status SetModelServing(const std::string& model, bool serving, std::string reason);
  /// `options` is valid on its own (Engine checked it); INVALID_ARGUMENT when
  /// it asks for more than the running gRPC server allows.
  absl::Status UpdateOptions(const EngineOptions& options) ABSL_LOCKS_EXCLUDED(options_mu_);
  EngineOptions options() const ABSL_LOCKS_EXCLUDED(options_mu_);
  void CountConfigReload(bool success);
  absl::Status Start() ABSL_LOCKS_EXCLUDED(mu_);
  int port() const ABSL_LOCKS_EXCLUDED(mu_);
  int metrics_port() const ABSL_LOCKS_EXCLUDED(mu_);
  std::shared_ptr<prometheus::Registry> metrics_registry() const;
  std::vector<std::shared_ptr<prometheus::Collectable>> metrics_collectables() const;
  void Shutdown(std::chrono::milliseconds drain) ABSL_LOCKS_EXCLUDED(mu_);
  EngineStats Stats() const;

 private:
  enum class State { kCreated, kRunning, kStopped };

  absl::Status StartMetricsEndpoint(const EngineOptions& options)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Gives a registry's entries their metric series, their own pools and their
  // serving flags.
  void PrepareRegistry(actors::ModelRegistry& registry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A pool of `threads` threads under the engine's thread policy; warns on
  // stderr when the kernel refuses the policy. `name` is for that warning.
  std::unique_ptr<actors::AsioScheduler> MakePool(uint32_t threads, const std::string& name) const;

  // Separate from mu_, which Shutdown() holds through the whole drain.
  mutable absl::Mutex options_mu_;
  EngineOptions options_ ABSL_GUARDED_BY(options_mu_);
  // The largest max_payload_bytes the gRPC server's message limit, fixed at
  // Start(), can carry: max_message_bytes if set, else the payload at start.
  uint64_t payload_ceiling_ ABSL_GUARDED_BY(options_mu_) = 0;
  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kCreated;
  int port_ ABSL_GUARDED_BY(mu_) = 0;
  actors::ModelRegistry registry_ ABSL_GUARDED_BY(mu_);

  metrics::EngineCounters counters_;
  actors::ActorCensus census_;
  actors::LiveStreams live_streams_;
  actors::ResumableSessions resumable_sessions_;
  actors::Admission admission_;
  actors::LiveSettings live_settings_;
  actors::ModelCatalog catalog_;
  ModelHealth model_health_;
  // Null with metrics off. The exposer holds the collectables weakly and
  // goes first (it is declared after them), so a scrape never outlives them.
  std::shared_ptr<metrics::EngineMetrics> metrics_;
  std::shared_ptr<StreamGaugesCollector> stream_gauges_;
  std::shared_ptr<metrics::ProcessCollector> process_collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int metrics_port_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<actors::StreamEnvironment> environment_;
  const actors::ThreadPolicy thread_policy_;  // Fixed at construction.
  std::unique_ptr<actors::AsioScheduler> model_pool_;
  std::unique_ptr<actors::AsioScheduler> stream_pool_;
  // Pools of models with worker_threads, by name, version and size. A pool
  // outlives the model's removal (open streams may still use it) and is
  // joined at shutdown.
  std::map<std::string, std::unique_ptr<actors::AsioScheduler>> model_pools_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<transport::InferenceService> service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace sluice
