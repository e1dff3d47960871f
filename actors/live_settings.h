// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// LiveSettings and ModelCatalog: what a live config change replaces while
// streams run. Each holds an immutable snapshot that is swapped whole.

#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

#include "actors/model_registry.h"
#include "actors/stream_environment.h"

namespace sluice::actors {

/// The stream settings in force now.
///
/// Ownership: owned by the engine; outlives every stream.
/// Threads: every method is thread-safe. A stream reads Current() when it
/// starts and polls generation() (one relaxed load) as it works, re-reading
/// Current() only when a change was published.
class LiveSettings {
 public:
  explicit LiveSettings(StreamSettings initial)
      : current_(std::make_shared<const StreamSettings>(std::move(initial))) {}

  std::shared_ptr<const StreamSettings> Current() const {
    return current_.load(std::memory_order_acquire);
  }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  /// Publishes `next`; streams pick it up at their next step.
  void Replace(StreamSettings next) {
    current_.store(std::make_shared<const StreamSettings>(std::move(next)),
                   std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }

 private:
  std::atomic<std::shared_ptr<const StreamSettings>> current_;
  std::atomic<uint64_t> generation_{0};
};

/// The models served now.
///
/// Ownership: owned by the engine. Threads: thread-safe. A stream reads it
/// once, when its first request selects a model; a stream keeps the model it
/// selected even after the model is removed (its session holds the model).
class ModelCatalog {
 public:
  explicit ModelCatalog(std::shared_ptr<const ModelRegistry> registry)
      : current_(std::move(registry)) {}

  std::shared_ptr<const ModelRegistry> Current() const {
    return current_.load(std::memory_order_acquire);
  }
  void Replace(std::shared_ptr<const ModelRegistry> next) {
    current_.store(std::move(next), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const ModelRegistry>> current_;
};

}  // namespace sluice::actors
