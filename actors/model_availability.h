// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ModelAvailability: whether a served model takes new streams, and why not.
// The embedder flips it (Engine::SetModelServing) when the model's backend
// goes down or comes back; a stream reads it when it selects the model.

#pragma once

#include <atomic>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sluice::actors {

/// The serving flag of one model name (all its versions).
///
/// Ownership: shared by the engine's table of served models and by every
/// registry entry of that name (ModelEntry::availability).
/// Threads: thread-safe. serving() is one load, for the stream that selects
/// the model; reason() takes a lock, and is read only to refuse a stream.
class ModelAvailability {
 public:
  bool serving() const {
    // Acquire: pairs with the release in Set(), so a refused stream reads
    // (at least) the reason that came with the flag.
    return serving_.load(std::memory_order_acquire);
  }

  std::string reason() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return reason_;
  }

  void Set(bool serving, std::string reason) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    reason_ = std::move(reason);
    serving_.store(serving, std::memory_order_release);
  }

 private:
  mutable absl::Mutex mu_;
  std::string reason_ ABSL_GUARDED_BY(mu_);
  // Outside mu_ so that selecting a model takes no lock.
  std::atomic<bool> serving_{true};
};

}  // namespace sluice::actors
