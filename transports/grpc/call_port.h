// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// CallPort: the StreamPort of one gRPC call, whatever its kind. It forwards
// the actor's reads, writes and finish to the call's reactor until the
// reactor is done.

#pragma once

#include <atomic>

#include "actors/stream_port.h"

namespace sluice::transport {

/// What a reactor does for its port. Each RPC kind maps these differently
/// onto gRPC (a unary call "reads" the request it was given and "writes" into
/// the response it returns).
///
/// Threads: called by the port on the stream actor's turn.
class CallOps {
 public:
  virtual ~CallOps() = default;
  virtual void DoStartRead() = 0;
  virtual void DoStartWrite(v1::InferResponse&& response) = 0;
  virtual void DoFinish(const absl::Status& status) = 0;
};

/// The port a stream actor drives its call through.
///
/// Ownership: shared by the reactor and the actor. Threads: the actor calls
/// StartRead/StartWrite/Finish (one turn at a time); the reactor calls
/// Detach() from OnDone. After Detach() or Finish() every call is a no-op.
///
/// No lock: gRPC calls OnDone (hence Detach) only after Finish, and only the
/// actor calls Finish, on one of its turns, after which it calls nothing. So a
/// call that sees the reactor live runs before Finish and cannot race with
/// Detach. The atomics make a misuse a no-op instead of a use-after-free in
/// every case but a true race, and cost nothing measurable (a lock here showed
/// in profiles: Debian's abseil runs Mutex deadlock detection).
class CallPort final : public actors::StreamPort {
 public:
  explicit CallPort(CallOps* ops) : ops_(ops) {}

  void StartRead() override;
  void StartWrite(v1::InferResponse&& response) override;
  void Finish(const absl::Status& status) override;
  void Detach();
  /// True once the actor has finished the call (for the reactor's OnDone).
  bool finished() const { return finished_.load(std::memory_order_acquire); }

 private:
  // The reactor while operations may still be started on it, else null.
  CallOps* Live() const;

  // Acquire/release pair Detach() and Finish() with the loads in Live().
  std::atomic<CallOps*> ops_;
  std::atomic<bool> finished_{false};
};

}  // namespace sluice::transport
