// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ModelHealth: the serving state of each served model, kept in two places
// that must agree: the flag a stream reads when it selects the model, and
// gRPC's health status (grpc.health.v1 Check and Watch) of the same name.

#pragma once

#include <map>
#include <memory>
#include <string>

#include <grpcpp/health_check_service_interface.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "actors/model_availability.h"
#include "actors/model_registry.h"

namespace sluice {

/// Which models are served and whether each takes new streams.
///
/// Health names: "" (the server) and "sluice.v1.Inference" are SERVING while
/// the engine runs; each served model name is SERVING unless the embedder set
/// it NOT_SERVING. Everything is NOT_SERVING once the drain begins.
/// Ownership: owned by EngineImpl; the health service it is given is the
/// gRPC server's and outlives it.
/// Threads: every method is thread-safe. Prepare() and Publish() calls come
/// in pairs, serialized by the engine.
class ModelHealth {
 public:
  /// Gives every entry of `registry` its name's flag: the one in force for a
  /// name served now (so a reload keeps a model the embedder marked down, down),
  /// a fresh SERVING one for a new name. Call before the registry is shared.
  void Prepare(actors::ModelRegistry& registry) ABSL_LOCKS_EXCLUDED(mu_);

  /// `registry` (prepared) is now the served set: new names go SERVING in
  /// health, removed ones NOT_SERVING. Call after streams can select it.
  void Publish(const actors::ModelRegistry& registry) ABSL_LOCKS_EXCLUDED(mu_);

  /// Reports into `health` from now on, starting with every status in force.
  void AttachHealthService(grpc::HealthCheckServiceInterface* health) ABSL_LOCKS_EXCLUDED(mu_);

  /// Sets one served model's flag and health status. NOT_FOUND, listing the
  /// served models, for a name that is not served.
  absl::Status SetServing(const std::string& model, bool serving, std::string reason)
      ABSL_LOCKS_EXCLUDED(mu_);

  /// The drain begins: every health status goes NOT_SERVING and watchers are
  /// told; gRPC ignores later SERVING updates. The flags stay as they are:
  /// the drain refuses new streams itself.
  void Shutdown() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void ReportLocked(const std::string& name, bool serving) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  // The served names and their flags.
  std::map<std::string, std::shared_ptr<actors::ModelAvailability>> served_ ABSL_GUARDED_BY(mu_);
  grpc::HealthCheckServiceInterface* health_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace sluice
