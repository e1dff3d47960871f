// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// StreamActor: one gRPC stream as an actor. It owns the stream's session
// semantics (model selection, timestamps), its credits toward the model, and
// its bounded outbound window toward the client.

#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "absl/status/status.h"
#include "actors/actor.h"
#include "actors/credit_gate.h"
#include "actors/live_settings.h"
#include "actors/model_registry.h"
#include "actors/request_buffer.h"
#include "actors/ring_queue.h"
#include "actors/session_actor.h"
#include "actors/session_core.h"
#include "actors/stream_environment.h"
#include "actors/stream_messages.h"
#include "actors/stream_port.h"

namespace sluice::actors {

/// The actor behind one stream (any of the four RPC kinds; the transport's
/// port decides how reads and writes map onto the RPC).
///
/// Single-response kinds (unary, client streaming): the model's one response
/// is the call's response; the port records it instead of writing it, so no
/// WriteDone follows. An error response ends the call with that status; a
/// second response, or none, ends it with INTERNAL naming the model. A
/// server-streaming call has one request too, so an error response ends it
/// with that status as well, after the responses before it.
///
/// Flow control: a read is outstanding only while the stream has a credit
/// (requests in flight toward the model < credits), so a client that sends
/// faster than the model works is held back by HTTP/2 flow control, not by
/// memory. Responses wait in the outbound window, which never holds more than
/// `outbound_window`: the session may emit only as many as it holds window
/// credit for, and gets credit back (WindowGrant) as writes complete. Requests
/// the engine rejects (bad input) still pass through the session, which
/// answers them in order, so responses always leave in request order.
///
/// The session: an inline model's (Execution::kInline) runs in this actor's
/// own turns, a SessionCore it holds, pumped after each message, so a call
/// costs no second actor, and its requests and output no messages. Model
/// code never runs in a gRPC reaction: a turn that runs in one leaves the
/// pumping to a turn that a task it posts to the pool runs. The actor stays
/// idle meanwhile, so the reactions that follow still run their turns inline
/// (and issue the next reads). A pool model's session is a SessionActor,
/// which this actor messages.
///
/// Resumable sessions (docs/resilience.md): a Stream or Generate call whose
/// metadata names a session (sluice-session) keeps its responses in a replay
/// window. When its call is lost (cancelled, broken connection), the actor
/// detaches instead of ending: the model goes on into the outbound window,
/// and the session waits for resume.grace. A later call that resumes it
/// (sluice-resume-after) becomes a relay: it hands its port to this actor and
/// forwards its transport events, stamped with a PortId, and this actor
/// replays what the client missed and carries on. Requests whose sequence is
/// not above the highest seen are replays and are skipped.
///
/// Lifetime: created by the transport, which holds it until its reactor's
/// OnDone, and started by a StartStream message (so even its first steps run
/// in a turn). Finish() is called exactly once, after which the port is not
/// touched. The session actor holds it until told to close; a resumable one
/// is also held by ResumableSessions until it ends for good.
/// Threads: Send()/SendInline() thread-safe (reactions, session, engine);
/// everything else actor-only, on the stream pool or inline in a reaction.
class StreamActor final : public Actor<StreamMessage>, private SessionHost {
 public:
  /// `client_deadline`: the call's own (time_point::max() for none).
  StreamActor(const StreamEnvironment& environment, std::shared_ptr<StreamPort> port,
              std::chrono::system_clock::time_point client_deadline, RpcKind kind);
  ~StreamActor() override;

  /// Occupancy of the outbound window (queued + being written). Actor-only.
  uint32_t outbound_occupancy() const {
    return static_cast<uint32_t>(outbound_.size()) + (write_in_flight_ ? 1 : 0);
  }

  /// The stream's state as the metrics scrape sees it: published by the
  /// actor with relaxed stores at the end of each step, so reading it costs
  /// the serving path nothing but those stores.
  struct GaugeReading {
    RpcKind kind;
    const metrics::ModelInstruments* model;  // Null until a model is selected.
    uint32_t credits_in_use;
    // The credits the stream could hold now: its count limit, or what it
    // holds when the byte budget is spent (so none shows as available).
    uint32_t credits_limit;
    uint32_t outbound_occupancy;
    uint32_t outbound_window;
    int64_t mailbox_depth;
  };
  /// Thread-safe.
  GaugeReading ReadGauges() const;

  /// The call metadata key naming the call's tenant (empty: none). For the
  /// transport, before it sends StartStream.
  const std::string& tenant_metadata_key() const { return settings_->tenant_metadata_key; }

 protected:
  void Receive(StreamMessage& message) override;

 private:
  friend class LiveStreams;  // Links live streams through live_link_.

  // SessionHost, for the hosted session.
  void PostSessionEvent(SessionMessage&& event) override;
  void ContinueSessionLater() override;
  std::shared_ptr<SessionHost> SessionHostRef() override {
    return std::shared_ptr<SessionHost>(shared_from_this(), this);
  }

  void Handle(StreamMessage& message);
  // Calls the hosted session's model, if it has work, and takes its output;
  // from a reaction, leaves that to a turn a task on the pool runs.
  void RunHostedSession();
  void ReleaseHostedSession(bool cancel);

  void OnStart(StartStream& start);
  // A call with session metadata: false when the call is not to start as an
  // ordinary stream (it failed, or it relays to the session it resumes).
  bool StartResumable(const CallMetadata& metadata);
  void Relay(StreamMessage& message);
  void OnAttachPort(AttachPort& attach);
  // The call is lost: hold the session for resume (or evict it when the
  // server holds no sessions any more).
  void Detach(const absl::Status& status);
  void Evict();
  // A held session's grace period passed, or the server drains.
  void EvictHeld();
  void DropPort();
  // The stream ended by itself and its call is done: hold the session for a
  // client that may have lost the end.
  void HoldEnded();
  void ReleaseEnded();
  // Resumed after it ended: replay what the client missed, then the status.
  void ReplayEnded();
  void ArmGraceTimer();
  // True when a transport event came from the call driving this stream.
  bool FromCurrentPort(PortId port) const { return port == port_id_; }
  // The last turn's work: release everything and close the mailbox.
  void EndActor();
  void OnRead(ReadDone& read);
  // A request read (ReadDone with ok): checks it and dispatches it to the
  // session, or rejects it.
  void OnRequestRead(ReadDone& read);
  // Admission (admission.h): false when the stream was refused (and ended).
  bool AdmitStream(const CallMetadata* metadata);
  // Counts one more request in flight in every scope the stream counts in,
  // or says which limit refuses it.
  absl::Status AdmitRequest();
  void ReleaseRequest();
  void ReleaseAdmission();
  // `looked_up`: the request's entry in registry_, if known (ReadDone::model).
  bool SelectModel(const v1::InferRequest& request, const ModelEntry* looked_up);
  void OnSessionOutput(SessionOutput& output);
  void OnWriteDone(const WriteDone& write);
  void Reject(RequestPtr&& request, const absl::Status& status, metrics::RejectReason reason);
  void Dispatch(RequestPtr&& request, int64_t timestamp, absl::Status rejection);
  void MaybeStartRead();
  void MaybeWrite();
  // For a single-response kind: records the answer among `responses`, or
  // ends the call with an error one (or for a second answer).
  void RecordSingleResponse(std::vector<v1::InferResponse>& responses);
  absl::Status StatusFromError(const v1::InferResponse& response) const;
  void MaybeGrant();
  void MaybeFinish();
  // Ends the stream. `cancel_session`: the model's work is abandoned (client
  // cancel, deadline, shutdown), so the session gets OnCancel(); otherwise
  // (done, or the model itself failed) it is just closed.
  void Finish(const absl::Status& status, bool cancel_session);
  void OnReactorDone(const ReactorDone& done);
  // Tells the session to end (CancelSession when `cancel`, else CloseSession), once.
  void EndSession(bool cancel);
  // Hands a message to the session, wherever it runs.
  void SendToSession(SessionMessage&& message);
  void FlushCounters();
  // Counts the call as started, once: at its start, or at its end when the
  // end was dequeued first.
  void CountStarted();
  void CountCancelled(metrics::CancelledBy by);
  void CountResponseWritten();
  void CountHandled(const absl::Status& status);
  void PublishGauges();
  // GaugeReading::credits_limit: a stream held back by its byte budget has
  // no credit available, whatever its count says.
  uint32_t CreditsLimitForGauge() const {
    return credits_.available() ? credits_.limit() : std::min(credits_.in_use(), credits_.limit());
  }
  // Picks up settings a live config change published since the last step.
  void RefreshSettings();
  // Ends the stream with `expired` at `deadline` (the server's, or its
  // model's timeout), replacing an earlier-armed timer.
  void ArmServerDeadline(std::chrono::system_clock::time_point deadline, absl::Status expired);

  const StreamEnvironment& environment_;
  uint64_t settings_generation_;
  std::shared_ptr<const StreamSettings> settings_;
  metrics::EngineCounters* const counters_;
  // The call's port; for a resumable stream, the port of the call attached
  // now (null while detached).
  std::shared_ptr<StreamPort> port_;
  PortId port_id_ = 0;
  bool attached_ = true;
  // Resume state; null unless the stream is resumable (most are not, and
  // pay nothing for it).
  struct Resumable;
  std::unique_ptr<Resumable> resumable_;
  // Set while this call relays its events to the session it resumed.
  struct RelayTarget;
  std::unique_ptr<RelayTarget> relay_;
  // The client's deadline, tightened by the server's default and maximum.
  const std::chrono::system_clock::time_point deadline_;
  // Set when the server's deadline is earlier than the client's (which gRPC
  // enforces itself); ends the stream with DEADLINE_EXCEEDED.
  const bool server_deadline_;
  const RpcKind kind_;
  // Made only when the server's deadline or the model's timeout applies
  // (most streams have neither): a 120-byte member would push the actor out
  // of glibc's small bins (see stream_actor.cc).
  std::unique_ptr<boost::asio::steady_timer> deadline_timer_;
  const std::chrono::steady_clock::time_point started_at_ = std::chrono::steady_clock::now();
  // Null when the engine records no metrics.
  metrics::EngineMetrics* const metrics_;
  metrics::MethodInstruments* const method_metrics_;
  metrics::ModelInstruments* model_metrics_ = nullptr;
  // When the last response went out; min(): none has yet.
  std::chrono::steady_clock::time_point last_response_at_ =
      std::chrono::steady_clock::time_point::min();
  bool started_counted_ = false;
  bool handled_counted_ = false;
  const bool single_response_;
  bool single_response_recorded_ = false;

  // The session, once the first request selected a model: hosted for an
  // inline model, else an actor of its own. The hosted one is gone once
  // ended (EndSession).
  std::unique_ptr<SessionCore> hosted_session_;
  std::shared_ptr<SessionActor> session_;
  bool has_session_ = false;          // One of the two was made.
  bool session_told_to_end_ = false;  // CloseSession or CancelSession sent.
  // A task on the stream pool will deliver a kContinuePump: the hosted
  // session's pumping, left by a turn that ran in a reaction.
  bool hosted_pump_posted_ = false;
  uint32_t model_max_credits_ = 0;  // 0: no model limit.
  // The registry snapshot the stream's model was selected from, held so
  // `model_` stays valid (a reload may replace the registry meanwhile).
  std::shared_ptr<const ModelRegistry> registry_;
  const ModelEntry* model_ = nullptr;  // In registry_; null until selected.

  // Admission: the scopes this stream counts in (null: no limit applies).
  std::shared_ptr<LoadCounter> tenant_load_;
  std::shared_ptr<LoadCounter> model_load_;
  std::string tenant_;
  uint32_t model_max_requests_ = 0;
  // Requests counted in flight; never more than credits_.in_use().
  uint32_t counted_requests_ = 0;
  bool counts_server_requests_ = false;
  bool counts_tenant_requests_ = false;
  bool holds_tenant_stream_ = false;
  bool holds_model_stream_ = false;

  // This stream's place in LiveStreams' list, guarded by its lock: a list
  // through the streams themselves, so registering allocates nothing.
  // `linked` is written only from this actor's turns (Add, Remove), so the
  // destructor may read it without the lock.
  struct LiveLink {
    bool linked = false;
    StreamActor* prev = nullptr;
    StreamActor* next = nullptr;
  };
  LiveLink live_link_;

  CreditGate credits_;
  RingQueue<v1::InferResponse> outbound_;
  bool write_in_flight_ = false;
  // Window accounting (see MaybeGrant): the session may emit as many
  // responses as it has been given room for, in all.
  uint32_t window_;
  uint64_t session_responses_received_ = 0;
  uint64_t session_responses_written_ = 0;
  uint64_t session_room_given_ = 0;

  bool started_ = false;
  bool read_in_flight_ = false;
  bool reads_closed_ = false;
  // Set while the last request of a single-request call is handled: the
  // session's HalfClose goes with that request when it is dispatched.
  bool half_close_pending_ = false;
  bool session_done_ = false;
  bool finished_ = false;
  bool reactor_done_ = false;
  bool actor_ended_ = false;  // EndActor() ran: the mailbox is closed.
  absl::Status fatal_;

  uint64_t next_response_sequence_ = 1;
  int64_t next_auto_timestamp_ = 0;
  std::optional<int64_t> last_timestamp_;

  // Counts batched locally and flushed to the shared counters now and then,
  // so no shared cache line is written per message.
  int64_t unflushed_received_ = 0;
  int64_t unflushed_sent_ = 0;
  int64_t unflushed_errors_ = 0;
  uint32_t outbound_peak_ = 0;
  uint32_t credits_peak_ = 0;

  // What ReadGauges() reports (see PublishGauges()).
  std::atomic<const metrics::ModelInstruments*> gauge_model_{nullptr};
  std::atomic<uint32_t> gauge_credits_in_use_{0};
  std::atomic<uint32_t> gauge_credits_limit_{0};
  std::atomic<uint32_t> gauge_outbound_{0};
  std::atomic<uint32_t> gauge_window_{0};
};

}  // namespace sluice::actors
