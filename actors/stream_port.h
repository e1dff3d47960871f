// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// StreamPort: how a stream actor drives its transport (reads, writes, finish)
// without knowing it is gRPC.

#pragma once

#include "absl/status/status.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::actors {

/// The transport side of one stream, as its actor sees it.
///
/// Ownership: shared by the transport's reactor and the stream actor. The
/// transport detaches it when the stream is done; every call after that is a
/// no-op, so the actor can never reach a deleted reactor.
/// Threads: actor-only (one turn at a time), except Detach() (transport).
/// Protocol: at most one StartRead() and one StartWrite() outstanding; each
/// completes with exactly one ReadDone / WriteDone message to the actor.
/// Finish() exactly once; after it the actor calls nothing else.
class StreamPort {
 public:
  virtual ~StreamPort() = default;
  /// Asks for the next request; completes with ReadDone.
  virtual void StartRead() = 0;
  /// Sends `response`; completes with WriteDone.
  virtual void StartWrite(v1::InferResponse&& response) = 0;
  /// Ends the stream with `status`.
  virtual void Finish(const absl::Status& status) = 0;
};

}  // namespace sluice::actors
