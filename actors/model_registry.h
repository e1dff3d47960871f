// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ModelRegistry: the models an engine serves, by name and version.

#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "absl/status/status.h"
#include "actors/admission.h"
#include "actors/model_availability.h"
#include "metrics/engine_metrics.h"
#include "sluice/model.h"

namespace sluice::actors {

/// One registered model version.
struct ModelEntry {
  std::string name;
  std::string version;
  std::shared_ptr<Model> model;
  uint32_t max_credits_per_stream = 0;  // 0: the engine's default.
  Execution execution = Execution::kModelPool;
  /// The model's metric series; null when the engine records no metrics.
  std::shared_ptr<metrics::ModelInstruments> instruments;
  /// The model's own worker pool (ModelSpec::worker_threads); none: the
  /// engine's model pool.
  std::optional<boost::asio::thread_pool::executor_type> executor;
  uint32_t worker_threads = 0;
  /// Admission limits (ModelSpec) and the model's load, shared by its
  /// versions; null until the engine prepares the registry.
  uint32_t max_streams = 0;
  uint32_t max_requests_in_flight = 0;
  std::shared_ptr<LoadCounter> load;
  std::chrono::milliseconds timeout{0};  // ModelSpec::timeout.
  /// Whether the model takes new streams (Engine::SetModelServing); shared by
  /// every version of the name. Null: always (a registry the engine has not
  /// prepared).
  std::shared_ptr<ModelAvailability> availability;
};

/// The set of servable models.
///
/// Ownership: built by the engine, then frozen and shared (as
/// shared_ptr<const ModelRegistry>) by every stream actor.
/// Threads: Add() before sharing, from one thread; the const methods are
/// thread-safe once frozen.
class ModelRegistry {
 public:
  /// ALREADY_EXISTS for a duplicate name and version, INVALID_ARGUMENT for an
  /// empty name or a null model.
  absl::Status Add(ModelSpec spec);

  /// The entry for `name` and `version`, or, for an empty version, the
  /// highest registered version: the largest numeric one if any is numeric,
  /// else the last in text order. Null when there is none.
  const ModelEntry* Find(std::string_view name, std::string_view version) const;

  /// Every registered name, sorted (for error messages and listings).
  std::vector<std::string> Names() const;

  /// Gives every entry its model's series from `metrics` (before sharing).
  void AttachInstruments(metrics::EngineMetrics& metrics);

  /// Calls `visit` for every entry, to finish it before sharing (its pool).
  template <typename Visit>
  void ForEachEntry(Visit visit) {
    for (auto& [name, versions] : models_) {
      for (ModelEntry& entry : versions) visit(entry);
    }
  }

 private:
  // Per name, versions sorted ascending: numeric ones by value, then the rest.
  std::map<std::string, std::vector<ModelEntry>, std::less<>> models_;
};

}  // namespace sluice::actors
