// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The messages a stream actor and a session actor exchange.

#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::actors {

// ---- To a StreamActor -------------------------------------------------------

/// From the transport, first: register the stream and issue the first read.
struct StartStream {};
/// From the transport: a read completed. `ok` false: the client half-closed
/// (or the stream broke; a PeerCancelled follows then).
struct ReadDone {
  bool ok = false;
  v1::InferRequest request;
};
/// From the transport: the outstanding write completed.
/// A failed write (`ok` false) means the call is over; `deadline_expired`
/// says whether its deadline had passed by then.
struct WriteDone {
  bool ok = false;
  bool deadline_expired = false;
};
/// From the transport: the client cancelled, its deadline expired, or the
/// connection broke.
struct PeerCancelled {
  bool deadline_expired = false;
};
/// From the transport: the last event of the stream; the port is detached.
/// `deadline_expired`: the call's deadline had passed by then (says who
/// ended a call gRPC ended before the actor did).
struct ReactorDone {
  bool deadline_expired = false;
};
/// From the engine: end the stream now with `status` (drain deadline).
struct AbortStream {
  absl::Status status;
};
/// From the session actor: what one model call produced.
struct SessionOutput {
  std::vector<v1::InferResponse> responses;
  bool request_done = false;     // The request is complete: return its credit.
  bool half_close_done = false;  // OnHalfClose is complete: the session is done.
  absl::Status fatal;            // Not OK: close the stream with it.
};

using StreamMessage = std::variant<std::monostate, StartStream, ReadDone, WriteDone, PeerCancelled,
                                   ReactorDone, AbortStream, SessionOutput>;

// ---- To a SessionActor ------------------------------------------------------

/// Create the model session (the first message a session actor gets).
struct OpenSession {};
/// A request to run; `timestamp` is the one the engine resolved for it. When
/// `rejection` is not OK the engine refused the request (bad input): the
/// session answers it with that error, in its turn, without calling the model,
/// so every response leaves in request order.
struct SessionRequest {
  v1::InferRequest request;
  int64_t timestamp = 0;
  absl::Status rejection;
};
/// `responses` more responses fit in the stream's outbound window.
struct WindowGrant {
  uint32_t responses = 0;
};
/// The client sends no more requests.
struct HalfClose {};
/// The stream was cancelled: tell the model, then release everything.
struct CancelSession {};
/// The stream ended normally: release everything.
struct CloseSession {};
/// A ResumeAfter() delay elapsed (ignored unless `generation` is current).
struct TimerFired {
  uint64_t generation = 0;
};
/// Continue pumping after yielding the thread.
struct ContinuePump {};
/// The model called SessionContext::Notify().
struct Notified {};

using SessionMessage =
    std::variant<std::monostate, OpenSession, SessionRequest, WindowGrant, HalfClose, CancelSession,
                 CloseSession, TimerFired, ContinuePump, Notified>;

}  // namespace sluice::actors
