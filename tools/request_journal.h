// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// RequestJournal: the requests of a resumable `sluice session` that have no final response yet,
// kept so that a resumed call can send them again, and the hand-over of new requests from the
// thread that reads them to the thread that writes them on the current call.

#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::cli {

// Requests by sequence (1, 2, 3, ... in the order added) from Add() until Answer(). A writer, one
// per call, takes them in order with NextToSend(); a new call's writer starts again after the
// last request the server is known to have (heard_through()), or from the oldest unanswered one.
// Owned by the command's main thread, which outlives the threads using it. Thread-safe: the input
// thread calls Add() and EndInput(), the current call's writer NextToSend(), the main thread the
// rest.
class RequestJournal {
 public:
  // At most `max_unanswered` requests are kept; Add() waits for room. It bounds the memory a
  // fast producer (a piped file) can take, as HTTP/2 flow control does without --resume.
  explicit RequestJournal(size_t max_unanswered) : max_unanswered_(max_unanswered) {}

  // Input thread. Numbers `request` with the next sequence and keeps it, once there is room.
  // Returns false, keeping nothing, once Close() was called.
  bool Add(v1::InferRequest request) ABSL_LOCKS_EXCLUDED(mu_);
  // Input thread. No more requests will be added; `status` is not OK if reading them failed.
  void EndInput(absl::Status status) ABSL_LOCKS_EXCLUDED(mu_);

  // Main thread. The request with `sequence` has its final response (or an error response).
  void Answer(uint64_t sequence) ABSL_LOCKS_EXCLUDED(mu_);
  // Main thread. A response to the request with `sequence` arrived, so the server has had every
  // request up to it (a stream delivers requests in order). A new call's writer need not send
  // those again: the server would skip them anyway.
  void Heard(uint64_t sequence) ABSL_LOCKS_EXCLUDED(mu_);
  // The highest sequence Heard(), 0 if none: where a new call's writer starts.
  uint64_t heard_through() const ABSL_LOCKS_EXCLUDED(mu_);

  enum class Next { kRequest, kInputEnded, kStopped };
  // Writer thread. Waits for the oldest unanswered request with a sequence above `after` and
  // copies it to `*request` (kRequest); or returns kInputEnded once input has ended and there is
  // none (time to half-close), or kStopped once StopWriter() was called.
  Next NextToSend(uint64_t after, v1::InferRequest* request) ABSL_LOCKS_EXCLUDED(mu_);
  // Main thread. Makes the current writer's NextToSend() return kStopped, now and until
  // StartWriter() is called for the next call's writer.
  void StopWriter() ABSL_LOCKS_EXCLUDED(mu_);
  void StartWriter() ABSL_LOCKS_EXCLUDED(mu_);

  // Main thread, at the end: makes a waiting (and any later) Add() return false.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);

  bool input_ended() const ABSL_LOCKS_EXCLUDED(mu_);
  // Not OK if reading the input failed.
  absl::Status input_status() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t unanswered() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const size_t max_unanswered_;
  mutable absl::Mutex mu_;
  std::map<uint64_t, v1::InferRequest> unanswered_ ABSL_GUARDED_BY(mu_);
  uint64_t last_added_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t heard_through_ ABSL_GUARDED_BY(mu_) = 0;
  bool input_ended_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status input_status_ ABSL_GUARDED_BY(mu_);
  bool writer_stopped_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace sluice::cli
