// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The messages a stream actor and a session actor exchange.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "actors/request_buffer.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::actors {

struct ModelEntry;
class ModelRegistry;
class StreamActor;
class StreamPort;

/// Which call a transport event comes from. A stream's own call is port 0; a
/// call that resumed a session relays its events to that session's stream
/// stamped with an id of its own, so the stream can tell them from the late
/// events of a call it has left (docs/resilience.md).
using PortId = uint32_t;

// ---- To a StreamActor -------------------------------------------------------

/// What a call's metadata asks of its stream (docs/resilience.md).
struct CallMetadata {
  /// sluice-session: the call opens (or resumes) the resumable session with
  /// this id. None: an ordinary stream.
  std::optional<std::string> session_id;
  /// sluice-resume-after, as sent: the call resumes `session_id`, whose
  /// responses up to this sequence the client has. Empty: a new session.
  std::optional<std::string> resume_after;
  /// The call's tenant (the metadata key limits.tenant_metadata_key names);
  /// empty: none.
  std::string tenant;
};

/// From the transport, first: register the stream and issue the first read.
struct StartStream {
  /// Null for an ordinary call (most calls: no allocation).
  std::unique_ptr<CallMetadata> metadata;
  /// The models served when the call came, if the transport already looked
  /// its model up (a call whose request came with it); null: the stream
  /// takes the current ones when its first request comes.
  std::shared_ptr<const ModelRegistry> models;
  /// The entry in `models` the call's request names (null: none, or not
  /// looked up).
  const ModelEntry* model = nullptr;
  /// The call's one request, when it came with the call (unary, server
  /// streaming) and the call resumes no session: the first read's result,
  /// delivered without a read (and a message) of its own. Null: read it.
  RequestPtr request;
};
/// From the transport: a read completed. `ok` false: the client half-closed
/// (or the stream broke; a PeerCancelled follows then).
///
/// `request` is the buffer the transport read into, owned by the message and
/// then by whoever takes it: a mailbox slot holds a pointer, not the 184-byte
/// request, so every stream's mailbox blocks stay small, and the request is
/// never copied or moved on its way to the model.
///
/// `last`: the call carries no further request (unary and server streaming,
/// whose one request came with the call), so this read also reports the end
/// of the requests; no read follows it.
struct ReadDone {
  bool ok = false;
  bool last = false;
  PortId port = 0;
  RequestPtr request;  // Non-null when `ok`.
  /// The entry (in the stream's registry) the request names, when the
  /// transport looked it up; null: the stream looks it up.
  const ModelEntry* model = nullptr;
};
/// From the transport: the outstanding write completed.
/// A failed write (`ok` false) means the call is over; `deadline_expired`
/// says whether its deadline had passed by then.
struct WriteDone {
  bool ok = false;
  bool deadline_expired = false;
  PortId port = 0;
};
/// From the transport: the client cancelled, its deadline expired, or the
/// connection broke.
struct PeerCancelled {
  bool deadline_expired = false;
  PortId port = 0;
};
/// From the transport: the last event of the stream; the port is detached.
/// `deadline_expired`: the call's deadline had passed by then (says who
/// ended a call gRPC ended before the actor did).
struct ReactorDone {
  bool deadline_expired = false;
  PortId port = 0;
};
/// From the engine: end the stream now with `status` (drain deadline).
struct AbortStream {
  absl::Status status;
};
/// From the session actor: what model calls produced. Requests that
/// completed without a response are reported together, once per batch.
struct SessionOutput {
  std::vector<v1::InferResponse> responses;
  uint32_t requests_done = 0;    // Requests complete: return their credits.
  uint64_t request_bytes = 0;    // Their SessionRequest::bytes, summed.
  bool half_close_done = false;  // OnHalfClose is complete: the session is done.
  absl::Status fatal;            // Not OK: close the stream with it.
};

/// From a call resuming this stream's session: drive `port` from now on,
/// after replaying the responses after `resume_after`. The sender relays
/// that call's events stamped `port_id`.
struct AttachPort {
  std::shared_ptr<StreamPort> port;
  PortId port_id = 0;
  uint64_t resume_after = 0;
  int kind = 0;  // The resuming call's RpcKind.
  std::shared_ptr<StreamActor> caller;
};
/// To a resuming call, from the session's stream: it cannot resume; end the
/// call with `status`.
struct AttachRefused {
  absl::Status status;
};
/// The grace period of a detached session passed (ignored unless
/// `generation` is the current detachment).
struct GraceExpired {
  uint64_t generation = 0;
};
/// From the engine's drain: evict the session if it is detached.
struct EvictSession {};
/// For a stream that runs its inline model's session itself (StreamActor):
/// what would be the session's own message, from the session's timer, from
/// the model's Notify(), or from the stream pumping in a later turn.
struct HostedSessionEvent {
  enum class Kind : uint8_t { kContinuePump, kTimerFired, kNotified };
  Kind kind = Kind::kContinuePump;
  uint64_t generation = 0;  // kTimerFired: TimerFired::generation.
};

using StreamMessage = std::variant<std::monostate, StartStream, ReadDone, WriteDone, PeerCancelled,
                                   ReactorDone, AbortStream, SessionOutput, AttachPort,
                                   AttachRefused, GraceExpired, EvictSession, HostedSessionEvent>;
// A stream's mailbox holds two buffers of 2 of these inside it: every
// stream's memory grows with this size (docs/benchmarks.md). Large payloads
// travel by pointer.
static_assert(sizeof(StreamMessage) <= 64, "keep stream messages small");

// ---- To a session (SessionCore, in a SessionActor or hosted by its stream) --

/// A request to run; `timestamp` is the one the engine resolved for it. When
/// `rejection` is not OK the engine refused the request (bad input): the
/// session answers it with that error, in its turn, without calling the model,
/// so every response leaves in request order. The first message a session
/// gets is a request; it creates the model's session first.
struct SessionRequest {
  RequestPtr request;  // Non-null.
  int64_t timestamp = 0;
  absl::Status rejection;
  uint64_t bytes = 0;  // The request's credit bytes, handed back in its SessionOutput.
  bool last = false;   // The client sends no more: a HalfClose follows it.
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
    std::variant<std::monostate, SessionRequest, WindowGrant, HalfClose, CancelSession,
                 CloseSession, TimerFired, ContinuePump, Notified>;

}  // namespace sluice::actors
