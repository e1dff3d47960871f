// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// LiveStreams: the set of streams not yet done, for drain and shutdown.

#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace sluice::actors {

class StreamActor;

/// Tracks every live stream actor, in a list linked through the streams
/// (StreamActor::live_link_), so that registering allocates nothing.
///
/// Ownership: owned by the engine; it owns none of the streams. A stream
/// removes itself in its last turn, before it can be destroyed. Threads:
/// every method is thread-safe. The lock is taken once when a stream starts
/// and once when it ends, never per message.
class LiveStreams {
 public:
  /// Registers a starting stream. After RefuseNew() or AbortAll() it
  /// registers nothing and returns their status, which the stream then ends
  /// with: no stream that slips in late escapes the drain. At the stream
  /// limit it registers nothing and returns RESOURCE_EXHAUSTED naming the
  /// limit.
  absl::Status Add(StreamActor& stream) ABSL_LOCKS_EXCLUDED(mu_);
  /// Unregisters `stream`; a no-op for one not registered (Add refused it).
  void Remove(StreamActor& stream) ABSL_LOCKS_EXCLUDED(mu_);
  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

  /// Concurrent streams allowed from now on (0: no limit). Streams already
  /// open are never ended by a lower limit.
  void set_max_streams(uint32_t max_streams) ABSL_LOCKS_EXCLUDED(mu_);

  /// Calls `visit` for every live stream, under the lock (so no stream ends
  /// meanwhile, and none starts: keep `visit` to a copy); it may only use the
  /// stream's thread-safe methods. For the metrics scrape.
  void ForEach(const std::function<void(const StreamActor&)>& visit) const ABSL_LOCKS_EXCLUDED(mu_);

  /// Waits until no stream is live or `deadline` passes; true when empty.
  bool WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) const
      ABSL_LOCKS_EXCLUDED(mu_);

  /// From now on registers nothing and returns `status` (not OK); live
  /// streams carry on. The drain's first step.
  void RefuseNew(const absl::Status& status) ABSL_LOCKS_EXCLUDED(mu_);

  /// Asks every live stream to end now with `status` (not OK), and refuses
  /// every one added later with it, unless RefuseNew() already set a status
  /// for those; returns how many were live.
  size_t AbortAll(const absl::Status& status) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  bool EmptyLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return count_ == 0; }

  mutable absl::Mutex mu_;
  StreamActor* head_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t count_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status abort_status_ ABSL_GUARDED_BY(mu_);
  uint32_t max_streams_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sluice::actors
