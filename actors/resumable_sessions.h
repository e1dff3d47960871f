// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ResumableSessions: the resumable streams of an engine by session id, so a
// client that reconnects finds the session it lost (docs/resilience.md).

#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace sluice::actors {

class StreamActor;

/// Every resumable stream from its start until it ends for good, attached to
/// a call or held detached for its grace period.
///
/// Ownership: owned by the engine. It holds each registered stream strongly:
/// a detached stream has no call (and so no reactor) keeping it alive.
/// Threads: every method is thread-safe; the lock is taken when a resumable
/// stream starts, resumes and ends, never per message.
class ResumableSessions {
 public:
  /// Registers `stream` under `id`. ALREADY_EXISTS when the id is taken;
  /// UNAVAILABLE once StopHolding() was called.
  absl::Status Register(const std::string& id, std::shared_ptr<StreamActor> stream)
      ABSL_LOCKS_EXCLUDED(mu_);
  /// The stream registered under `id`, or null.
  std::shared_ptr<StreamActor> Find(const std::string& id) const ABSL_LOCKS_EXCLUDED(mu_);
  /// Removes `id` if `stream` is what it names.
  void Unregister(const std::string& id, const StreamActor* stream) ABSL_LOCKS_EXCLUDED(mu_);

  /// For a drain: from now on no session is held after its transport is
  /// lost, and the ones held now are evicted (each gets EvictSession).
  void StopHolding() ABSL_LOCKS_EXCLUDED(mu_);
  /// False after StopHolding().
  bool holding() const ABSL_LOCKS_EXCLUDED(mu_);

  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<StreamActor>> sessions_ ABSL_GUARDED_BY(mu_);
  bool holding_ ABSL_GUARDED_BY(mu_) = true;
};

}  // namespace sluice::actors
