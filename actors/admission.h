// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Admission control: the load a scope (the server, a model, a tenant) carries
// — streams open and requests in flight — counted against its limits, so a
// stream or request over a limit is refused before any model work.

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace sluice::actors {

/// Streams open and requests in flight in one scope.
///
/// Ownership: shared by the Admission table and every stream counting in it.
/// Threads: thread-safe; a stream counts in it only when the scope has a
/// limit, so unlimited scopes cost the serving path nothing.
class LoadCounter {
 public:
  /// Counts one more unless `limit` is reached; true when counted. A limit
  /// of 0 means none (a stream that counts while a live config change turns
  /// the limit off still counts, so its release stays balanced).
  static bool TryAcquire(std::atomic<uint32_t>& load, uint32_t limit) {
    if (limit == 0) {
      load.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    uint32_t seen = load.load(std::memory_order_relaxed);
    do {
      if (seen >= limit) return false;
    } while (!load.compare_exchange_weak(seen, seen + 1, std::memory_order_relaxed));
    return true;
  }
  static void Release(std::atomic<uint32_t>& load) { load.fetch_sub(1, std::memory_order_relaxed); }

  std::atomic<uint32_t> streams{0};
  std::atomic<uint32_t> requests{0};
};

/// The per-tenant and per-model load counters of an engine, and the server's.
///
/// Ownership: owned by the engine; outlives every stream.
/// Threads: thread-safe. The lock is taken when a stream that counts in a
/// tenant starts (to find the tenant's counter) and when a registry is
/// prepared, never per message.
class Admission {
 public:
  LoadCounter& server() { return server_; }
  /// The counter of `tenant`, created on first use; dropped when no stream
  /// holds it any more (tenants are not a fixed set).
  std::shared_ptr<LoadCounter> Tenant(const std::string& tenant) ABSL_LOCKS_EXCLUDED(mu_);
  /// The counter of model `name` (all versions), kept for the engine's life
  /// so a reload keeps counting the streams already open.
  std::shared_ptr<LoadCounter> Model(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  LoadCounter server_;
  absl::Mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<LoadCounter>> tenants_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, std::shared_ptr<LoadCounter>> models_ ABSL_GUARDED_BY(mu_);
};

/// The status a refused stream or request gets: RESOURCE_EXHAUSTED with
/// `message`, carrying how long the client should wait before retrying,
/// which the transport sends as the grpc-retry-pushback-ms trailer.
absl::Status OverLimit(std::string message, std::chrono::milliseconds retry_after);

/// The retry pushback a status carries, if any.
std::optional<std::chrono::milliseconds> RetryPushback(const absl::Status& status);

}  // namespace sluice::actors
