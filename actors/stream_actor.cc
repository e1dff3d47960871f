// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/stream_actor.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "actors/actor_census.h"
#include "actors/admission.h"
#include "actors/live_streams.h"
#include "actors/resumable_sessions.h"

namespace sluice::actors {

// A stream actor is made per call, with make_shared: one block holding it and
// its 16-byte control block. glibc serves a block under 1,024 bytes with its
// header (a request of up to 1,000 bytes) from its small bins; a larger one
// takes the large-bin path, which first consolidates the fast bins. That cost
// about 800 instructions more per unary call, counted (docs/benchmarks.md).
static_assert(sizeof(StreamActor) + 16 <= 1000, "keep a stream actor in malloc's small bins");

struct StreamActor::Resumable {
  explicit Resumable(std::string id, const ReplayLimits& limits)
      : session_id(std::move(id)), replay(limits) {}
  const std::string session_id;
  ReplayWindow replay;
  // The next sequence to replay; equal to next_response_sequence_ when
  // nothing is left to replay.
  uint64_t replay_next = 1;
  bool write_is_replay = false;
  // The highest request sequence seen (0: none numbered yet).
  uint64_t highest_request_sequence = 0;
  // Bumped by every detachment and attachment, so a stale timer is ignored.
  uint64_t generation = 0;
  // Set when the stream ended by itself (done, or the model failed): the
  // session is then held for its grace period too, since the client may
  // have lost the last responses and the status with its connection; a
  // resume replays them and ends the call with this status.
  std::optional<absl::Status> ended;
  std::optional<boost::asio::steady_timer> grace_timer;
};

struct StreamActor::RelayTarget {
  std::shared_ptr<StreamActor> session_stream;
  PortId port_id;
};

namespace {

// A detached stream's PortId: every transport event is stale.
constexpr PortId kNoPort = std::numeric_limits<PortId>::max();

PortId NextRelayPortId() {
  static std::atomic<PortId> next{1};
  PortId id = next.fetch_add(1, std::memory_order_relaxed);
  while (id == 0 || id == kNoPort) id = next.fetch_add(1, std::memory_order_relaxed);
  return id;
}

// The request parameter that carries an explicit timestamp.
constexpr char kTimestampParameter[] = "timestamp";

// Flush the batched message counts once this many are pending.
constexpr int64_t kCounterFlushBatch = 64;

std::string DescribeModel(const std::string& name, const std::string& version) {
  return version.empty() ? absl::StrCat("'", name, "'")
                         : absl::StrCat("'", name, "' version ", version);
}

int64_t NanosSince(std::chrono::steady_clock::time_point since,
                   std::chrono::steady_clock::time_point now) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(now - since).count();
}

const char* KindName(RpcKind kind) {
  switch (kind) {
    case RpcKind::kUnary:
      return "unary";
    case RpcKind::kServerStreaming:
      return "server-streaming";
    case RpcKind::kClientStreaming:
      return "client-streaming";
    case RpcKind::kBidiStreaming:
      break;
  }
  return "bidi";
}

// The client's deadline, tightened by the server's default (for a call that
// has none) and maximum.
std::chrono::system_clock::time_point EffectiveDeadline(
    std::chrono::system_clock::time_point client_deadline, const StreamSettings& settings) {
  const auto now = std::chrono::system_clock::now();
  auto deadline = client_deadline;
  if (deadline == std::chrono::system_clock::time_point::max() &&
      settings.default_deadline.count() > 0) {
    deadline = now + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                         settings.default_deadline);
  }
  if (settings.max_deadline.count() > 0) {
    deadline =
        std::min(deadline, now + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                     settings.max_deadline));
  }
  return deadline;
}

}  // namespace

StreamActor::StreamActor(const StreamEnvironment& environment, std::shared_ptr<StreamPort> port,
                         std::chrono::system_clock::time_point client_deadline, RpcKind kind)
    // Turns of a stream actor never block and take microseconds, so they may
    // run on whichever thread woke the actor (see Placement::kAnyThread).
    : Actor(environment.stream_executor, environment.settings->Current()->max_messages_per_turn,
            environment.run_inline ? Placement::kAnyThread : Placement::kOwnPool),
      environment_(environment),
      settings_generation_(environment.settings->generation()),
      settings_(environment.settings->Current()),
      counters_(environment.counters),
      port_(std::move(port)),
      deadline_(EffectiveDeadline(client_deadline, *settings_)),
      server_deadline_(deadline_ < client_deadline),
      kind_(kind),
      metrics_(environment.metrics),
      method_metrics_(metrics_ != nullptr ? &metrics_->method(static_cast<size_t>(kind)) : nullptr),
      single_response_(kind == RpcKind::kUnary || kind == RpcKind::kClientStreaming),
      credits_(settings_->credits_per_stream, settings_->credit_bytes_per_stream),
      window_(settings_->outbound_window) {
  static_assert(static_cast<size_t>(RpcKind::kBidiStreaming) + 1 == metrics::kMethodCount);
  environment_.census->Born(ActorCensus::Kind::kStream);
  gauge_credits_limit_.store(CreditsLimitForGauge(), std::memory_order_relaxed);
  gauge_window_.store(window_, std::memory_order_relaxed);
}

StreamActor::~StreamActor() {
  // A started stream leaves LiveStreams in its last turn (EndActor). One
  // destroyed without that turn (its pool shut down with the turn queued)
  // must not stay listed for a scrape or a drain to reach. No lock needed to
  // read the flag: only this actor's turns set it, and they are over.
  if (live_link_.linked) environment_.live_streams->Remove(*this);
  environment_.census->Died(ActorCensus::Kind::kStream);
}

void StreamActor::CountStarted() {
  if (started_counted_) return;
  started_counted_ = true;
  counters_->Add(counters_->streams_started, 1);
  if (method_metrics_ != nullptr) method_metrics_->started->Increment();
}

void StreamActor::OnStart(StartStream& start) {
  // Messages from different threads may be dequeued in any order, so the end
  // of the stream can come first; then there is nothing left to start (but
  // the call still counts as started, before it counts as handled).
  CountStarted();
  if (started_ || reactor_done_ || finished_) return;
  if (start.metadata != nullptr && start.metadata->session_id.has_value() &&
      !StartResumable(*start.metadata)) {
    return;
  }
  started_ = true;
  registry_ = std::move(start.models);
  const absl::Status refused = environment_.live_streams->Add(*this);
  if (!refused.ok()) {
    if (metrics_ != nullptr) {
      metrics_->AdmissionRejected(refused.code() == absl::StatusCode::kResourceExhausted
                                      ? metrics::AdmissionReason::kStreamLimit
                                      : metrics::AdmissionReason::kDraining);
    }
    if (!finished_) Finish(refused, /*cancel_session=*/true);
    return;
  }
  if (!AdmitStream(start.metadata.get())) return;
  if (resumable_ != nullptr) {
    const absl::Status taken = environment_.resumable_sessions->Register(
        resumable_->session_id, std::static_pointer_cast<StreamActor>(shared_from_this()));
    if (!taken.ok()) {
      resumable_.reset();  // The id is another stream's.
      Finish(taken, /*cancel_session=*/false);
      return;
    }
  }
  if (server_deadline_) {
    ArmServerDeadline(deadline_, absl::DeadlineExceededError(
                                     "the server's deadline for this call passed "
                                     "(deadlines.default_seconds or deadlines.max_seconds in the "
                                     "server's config)"));
  }
  if (start.request == nullptr) {
    MaybeStartRead();
    return;
  }
  // The call's one request came with it: its read is done already, with no
  // read issued (and no message of its own). A new stream may read (it holds
  // no credit, and nothing finished it above), so MaybeStartRead() would
  // have issued this read.
  ReadDone read;
  read.ok = true;
  read.last = true;
  read.request = std::move(start.request);
  read.model = start.model;
  OnRead(read);
}

bool StreamActor::AdmitStream(const CallMetadata* metadata) {
  counts_server_requests_ = settings_->max_requests_in_flight > 0;
  if (metadata == nullptr || metadata->tenant.empty()) return true;
  const uint32_t max_streams = settings_->max_streams_per_tenant;
  counts_tenant_requests_ = settings_->max_requests_in_flight_per_tenant > 0;
  if (max_streams == 0 && !counts_tenant_requests_) return true;
  tenant_ = metadata->tenant;
  tenant_load_ = environment_.admission->Tenant(tenant_);
  if (max_streams == 0) return true;
  if (!LoadCounter::TryAcquire(tenant_load_->streams, max_streams)) {
    if (metrics_ != nullptr) {
      metrics_->AdmissionRejected(metrics::AdmissionReason::kTenantStreamLimit);
    }
    Finish(OverLimit(absl::StrCat("tenant '", tenant_, "' is at its limit of ", max_streams,
                                  " concurrent streams (limits.max_streams_per_tenant)"),
                     settings_->retry_pushback),
           /*cancel_session=*/false);
    return false;
  }
  holds_tenant_stream_ = true;
  return true;
}

absl::Status StreamActor::AdmitRequest() {
  LoadCounter& server = environment_.admission->server();
  const uint32_t server_limit = settings_->max_requests_in_flight;
  if (counts_server_requests_ && !LoadCounter::TryAcquire(server.requests, server_limit)) {
    return OverLimit(absl::StrCat("the server is at its limit of ", server_limit,
                                  " requests in flight (limits.max_requests_in_flight)"),
                     settings_->retry_pushback);
  }
  if (model_max_requests_ > 0 &&
      !LoadCounter::TryAcquire(model_load_->requests, model_max_requests_)) {
    if (counts_server_requests_) LoadCounter::Release(server.requests);
    return OverLimit(
        absl::StrCat("model ", DescribeModel(model_->name, ""), " is at its limit of ",
                     model_max_requests_, " requests in flight (models[].max_requests_in_flight)"),
        settings_->retry_pushback);
  }
  const uint32_t tenant_limit = settings_->max_requests_in_flight_per_tenant;
  if (counts_tenant_requests_ && !LoadCounter::TryAcquire(tenant_load_->requests, tenant_limit)) {
    if (counts_server_requests_) LoadCounter::Release(server.requests);
    if (model_max_requests_ > 0) LoadCounter::Release(model_load_->requests);
    return OverLimit(absl::StrCat("tenant '", tenant_, "' is at its limit of ", tenant_limit,
                                  " requests in flight (limits.max_requests_in_flight_per_tenant)"),
                     settings_->retry_pushback);
  }
  ++counted_requests_;
  return absl::OkStatus();
}

void StreamActor::ReleaseRequest() {
  if (counts_server_requests_) LoadCounter::Release(environment_.admission->server().requests);
  if (model_max_requests_ > 0) LoadCounter::Release(model_load_->requests);
  if (counts_tenant_requests_) LoadCounter::Release(tenant_load_->requests);
  --counted_requests_;
}

void StreamActor::ReleaseAdmission() {
  while (counted_requests_ > 0) ReleaseRequest();
  if (holds_tenant_stream_) LoadCounter::Release(tenant_load_->streams);
  if (holds_model_stream_) LoadCounter::Release(model_load_->streams);
  holds_tenant_stream_ = holds_model_stream_ = false;
}

bool StreamActor::StartResumable(const CallMetadata& metadata) {
  if (kind_ != RpcKind::kBidiStreaming && kind_ != RpcKind::kServerStreaming) {
    Finish(absl::InvalidArgumentError(
               absl::StrCat("metadata sluice-session is for Stream and Generate calls, not a ",
                            KindName(kind_), " call")),
           /*cancel_session=*/false);
    return false;
  }
  const std::string& session_id = *metadata.session_id;
  if (session_id.empty()) {
    Finish(absl::InvalidArgumentError("metadata sluice-session must name a session (not empty)"),
           /*cancel_session=*/false);
    return false;
  }
  if (settings_->resume_grace.count() <= 0) {
    Finish(absl::FailedPreconditionError(
               "this server keeps no sessions for resume (resume.grace_seconds is 0); "
               "open the stream without metadata sluice-session"),
           /*cancel_session=*/false);
    return false;
  }
  if (!metadata.resume_after.has_value()) {
    resumable_ = std::make_unique<Resumable>(session_id, settings_->replay);
    return true;
  }
  uint64_t resume_after = 0;
  if (!absl::SimpleAtoi(*metadata.resume_after, &resume_after)) {
    Finish(absl::InvalidArgumentError(absl::StrCat(
               "metadata sluice-resume-after must be the last response sequence received (a "
               "decimal integer, 0 for none), got '",
               *metadata.resume_after, "'")),
           /*cancel_session=*/false);
    return false;
  }
  std::shared_ptr<StreamActor> session_stream = environment_.resumable_sessions->Find(session_id);
  const absl::Status gone = absl::NotFoundError(absl::StrCat(
      "no session '", session_id,
      "' to resume: it ended, was evicted after its grace period (resume.grace_seconds), or "
      "was opened on another server; open a new session"));
  if (session_stream == nullptr) {
    Finish(gone, /*cancel_session=*/false);
    return false;
  }
  // From here on this call only relays; the session's stream drives our port
  // and answers for the call (its status and its metrics).
  const PortId port_id = NextRelayPortId();
  relay_ = std::make_unique<RelayTarget>(RelayTarget{std::move(session_stream), port_id});
  AttachPort attach{.port = port_,
                    .port_id = port_id,
                    .resume_after = resume_after,
                    .kind = static_cast<int>(kind_),
                    .caller = std::static_pointer_cast<StreamActor>(shared_from_this())};
  if (relay_->session_stream->Send(std::move(attach)) == PushResult::kClosed) {
    relay_.reset();
    Finish(gone, /*cancel_session=*/false);
  }
  return false;
}

// This call resumed another stream's session: its transport events belong to
// that stream. Only the call's own end is also this actor's.
void StreamActor::Relay(StreamMessage& message) {
  auto forward = [this](auto event) {
    event.port = relay_->port_id;
    relay_->session_stream->Send(std::move(event));
  };
  if (auto* read = std::get_if<ReadDone>(&message)) {
    forward(std::move(*read));
  } else if (auto* write = std::get_if<WriteDone>(&message)) {
    forward(*write);
  } else if (auto* cancel = std::get_if<PeerCancelled>(&message)) {
    forward(*cancel);
  } else if (auto* done = std::get_if<ReactorDone>(&message)) {
    forward(*done);
    relay_.reset();
    reactor_done_ = true;
    finished_ = true;
    EndActor();
  } else if (auto* refused = std::get_if<AttachRefused>(&message)) {
    relay_.reset();  // Our port was not taken: end the call ourselves.
    Finish(refused->status, /*cancel_session=*/false);
  }
  // Anything else (an abort) is for the session's stream, which gets its own.
}

void StreamActor::OnAttachPort(AttachPort& attach) {
  auto refuse = [&attach](absl::Status status) {
    attach.caller->Send(AttachRefused{std::move(status)});
  };
  if (resumable_ == nullptr || (finished_ && !resumable_->ended.has_value())) {
    refuse(absl::NotFoundError("the session this call resumes has ended; open a new session"));
    return;
  }
  if (attach.kind != static_cast<int>(kind_)) {
    refuse(absl::InvalidArgumentError(absl::StrCat("session '", resumable_->session_id,
                                                   "' was opened by a ", KindName(kind_),
                                                   " call; resume it with the same method")));
    return;
  }
  if (attached_ && finished_) {
    // Ended, and its status sent, or its replay under way, on a call the
    // client has given up on (a no-op when that call is finished).
    port_->Finish(absl::AbortedError("the session was resumed on another call"));
    DropPort();
  } else if (attached_) {
    // The client saw its call break before we did: this call supersedes it.
    Detach(absl::AbortedError("the session was resumed on another call"));
    if (finished_) {
      refuse(absl::UnavailableError("the server is draining; open a new session elsewhere"));
      return;
    }
  }
  const auto now = std::chrono::steady_clock::now();
  resumable_->replay.Expire(now);
  const absl::Status resumable =
      resumable_->replay.CheckResumable(attach.resume_after, next_response_sequence_ - 1);
  if (!resumable.ok()) {
    refuse(resumable);  // Still detached: a client may try again within the grace period.
    return;
  }
  ++resumable_->generation;  // The grace timer is stale now.
  if (resumable_->grace_timer) resumable_->grace_timer->cancel();
  port_ = std::move(attach.port);
  port_id_ = attach.port_id;
  attached_ = true;
  resumable_->replay_next = attach.resume_after + 1;
  counters_->Add(counters_->sessions_resumed, 1);
  if (finished_) {
    handled_counted_ = false;  // This call gets the ended session's status.
    ReplayEnded();
    return;
  }
  MaybeGrant();
  MaybeWrite();
  MaybeStartRead();
  MaybeFinish();
  PublishGauges();
}

void StreamActor::Detach(const absl::Status& status) {
  CountCancelled(metrics::CancelledBy::kClient);
  CountHandled(status);
  handled_counted_ = false;  // A resuming call is counted afresh.
  // gRPC ends a reactor only once it is finished, even with its client gone.
  port_->Finish(status);
  // Sent or not, a response being written is in the replay window now (a
  // replayed one was counted when it was first sent).
  if (write_in_flight_ && !resumable_->write_is_replay) ++session_responses_written_;
  DropPort();
  read_in_flight_ = false;
  counters_->Add(counters_->sessions_detached, 1);
  if (!environment_.resumable_sessions->holding()) {
    Evict();
    return;
  }
  ArmGraceTimer();
  PublishGauges();
}

void StreamActor::DropPort() {
  port_.reset();
  port_id_ = kNoPort;
  attached_ = false;
  write_in_flight_ = false;
  resumable_->write_is_replay = false;
}

void StreamActor::HoldEnded() {
  port_->Finish(absl::CancelledError("the call was lost while replaying"));  // No-op if done.
  DropPort();
  if (!environment_.resumable_sessions->holding()) {
    ReleaseEnded();
    return;
  }
  // Nothing is left to drain: only a client's resume can use it now.
  if (started_) environment_.live_streams->Remove(*this);
  started_ = false;
  ArmGraceTimer();
}

void StreamActor::ReleaseEnded() {
  environment_.resumable_sessions->Unregister(resumable_->session_id, this);
  EndActor();
}

void StreamActor::ReplayEnded() {
  if (resumable_->replay_next < next_response_sequence_) {
    const v1::InferResponse* missed = resumable_->replay.Find(resumable_->replay_next);
    if (missed != nullptr) {
      resumable_->write_is_replay = true;
      write_in_flight_ = true;
      port_->StartWrite(v1::InferResponse(*missed));  // A copy: it stays for a later resume.
      return;
    }
  }
  const absl::Status status =
      resumable_->replay_next < next_response_sequence_
          ? absl::InternalError("a response to replay was dropped from the replay window")
          : *resumable_->ended;
  CountHandled(status);
  port_->Finish(status);
}

void StreamActor::ArmGraceTimer() {
  const uint64_t generation = ++resumable_->generation;
  if (!resumable_->grace_timer) resumable_->grace_timer.emplace(environment_.stream_executor);
  resumable_->grace_timer->expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(settings_->resume_grace));
  std::weak_ptr<Actor<StreamMessage>> weak = weak_from_this();
  resumable_->grace_timer->async_wait([weak, generation](const boost::system::error_code& error) {
    if (error) return;  // Cancelled: resumed or ended first.
    if (auto self = weak.lock()) self->Send(GraceExpired{generation});
  });
}

void StreamActor::EvictHeld() {
  if (!finished_) {
    Evict();
  } else if (resumable_->ended.has_value()) {
    ReleaseEnded();
  }
}

// Ends a detached session: nobody is left to tell, but the model is told, so
// it releases the session's state.
void StreamActor::Evict() {
  counters_->Add(counters_->sessions_evicted, 1);
  const bool work_left = !session_done_ || credits_.in_use() > 0;
  Finish(absl::UnavailableError("the session was evicted before it was resumed"),
         /*cancel_session=*/work_left);
}

void StreamActor::Receive(StreamMessage& message) {
  Handle(message);
  // After the message's handling, never inside it: the output's handling
  // must not run in the middle of another step.
  if (hosted_session_ != nullptr && hosted_session_->pump_wanted()) RunHostedSession();
}

void StreamActor::Handle(StreamMessage& message) {
  // Messages queued before the mailbox closed are still delivered.
  if (actor_ended_) return;
  if (relay_ != nullptr) {
    Relay(message);
    return;
  }
  if (auto* read = std::get_if<ReadDone>(&message)) {
    if (FromCurrentPort(read->port)) OnRead(*read);
  } else if (auto* start = std::get_if<StartStream>(&message)) {
    OnStart(*start);
  } else if (auto* output = std::get_if<SessionOutput>(&message)) {
    OnSessionOutput(*output);
  } else if (auto* write = std::get_if<WriteDone>(&message)) {
    if (FromCurrentPort(write->port)) OnWriteDone(*write);
  } else if (auto* cancel = std::get_if<PeerCancelled>(&message)) {
    if (!FromCurrentPort(cancel->port)) return;
    if (finished_) {
      // Lost while replaying an ended session's last responses.
      if (resumable_ != nullptr && resumable_->ended.has_value() && attached_) HoldEnded();
      return;
    }
    if (resumable_ != nullptr && !cancel->deadline_expired) {
      Detach(absl::CancelledError("the call was lost; its session is held for resume"));
      return;
    }
    CountCancelled(cancel->deadline_expired ? metrics::CancelledBy::kDeadline
                                            : metrics::CancelledBy::kClient);
    Finish(cancel->deadline_expired
               ? absl::DeadlineExceededError("the stream's deadline expired")
               : absl::CancelledError("the stream was cancelled by the client"),
           /*cancel_session=*/true);
  } else if (auto* abort = std::get_if<AbortStream>(&message)) {
    if (finished_) return;
    if (attached_) {
      CountCancelled(abort->status.code() == absl::StatusCode::kDeadlineExceeded
                         ? metrics::CancelledBy::kDeadline
                         : metrics::CancelledBy::kServer);
    }
    Finish(abort->status, /*cancel_session=*/true);
  } else if (auto* done = std::get_if<ReactorDone>(&message)) {
    if (FromCurrentPort(done->port)) OnReactorDone(*done);
  } else if (auto* attach = std::get_if<AttachPort>(&message)) {
    OnAttachPort(*attach);
  } else if (auto* expired = std::get_if<GraceExpired>(&message)) {
    if (!attached_ && expired->generation == resumable_->generation) EvictHeld();
  } else if (std::holds_alternative<EvictSession>(message)) {
    if (!attached_) EvictHeld();
  } else if (auto* event = std::get_if<HostedSessionEvent>(&message)) {
    if (event->kind == HostedSessionEvent::Kind::kContinuePump) hosted_pump_posted_ = false;
    if (hosted_session_ == nullptr) return;  // Ended meanwhile.
    SessionMessage session_message;
    switch (event->kind) {
      case HostedSessionEvent::Kind::kContinuePump:
        session_message = ContinuePump{};
        break;
      case HostedSessionEvent::Kind::kTimerFired:
        session_message = TimerFired{event->generation};
        break;
      case HostedSessionEvent::Kind::kNotified:
        session_message = Notified{};
        break;
    }
    hosted_session_->Accept(session_message);
  }
}

void StreamActor::PostSessionEvent(SessionMessage&& event) {
  HostedSessionEvent hosted;
  if (auto* fired = std::get_if<TimerFired>(&event)) {
    hosted.kind = HostedSessionEvent::Kind::kTimerFired;
    hosted.generation = fired->generation;
  } else if (std::holds_alternative<Notified>(event)) {
    hosted.kind = HostedSessionEvent::Kind::kNotified;
  }
  Send(hosted);
}

void StreamActor::ContinueSessionLater() {
  PostSessionEvent(ContinuePump{});  // Picked up by the next turn...
  YieldTurn();                       // ...which is posted, so other actors run first.
}

void StreamActor::RunHostedSession() {
  if (internal::in_reaction) {
    // Model code never runs in a gRPC reaction: on the pool, in a turn of
    // its own (the one a session actor would have had). Not by yielding
    // this turn: the actor would stay scheduled until the pool ran it, and
    // the reactions meanwhile could only queue their reads, not issue the
    // next ones, so a client-streaming call would get one reading per
    // thread switch (measured: a seventh of the throughput). A task on the
    // pool starts the turn instead, and the actor stays idle until then.
    if (hosted_pump_posted_) return;
    hosted_pump_posted_ = true;
    boost::asio::post(executor(),
                      [self = std::static_pointer_cast<StreamActor>(shared_from_this())]() mutable {
                        self->SendHere(HostedSessionEvent{HostedSessionEvent::Kind::kContinuePump});
                      });
    return;
  }
  hosted_session_->Pump();
  if (!hosted_session_->has_output()) return;
  SessionOutput output = hosted_session_->TakeOutput();
  OnSessionOutput(output);
  // Room granted while the output was handled: one more pass, in a message
  // of its own (rare; a unary call's session is done by now).
  if (hosted_session_ != nullptr && hosted_session_->pump_wanted()) {
    PostSessionEvent(ContinuePump{});
  }
}

void StreamActor::ReleaseHostedSession(bool cancel) {
  if (!internal::in_reaction) {
    hosted_session_->Release(cancel);
    hosted_session_.reset();
    return;
  }
  // The model's OnCancel() and its session's destructor are model code,
  // which never runs in a gRPC reaction: on the pool.
  boost::asio::post(executor(),
                    [session = std::move(hosted_session_), cancel] { session->Release(cancel); });
}

void StreamActor::OnRead(ReadDone& read) {
  read_in_flight_ = false;
  if (finished_) return;
  if (read.ok) {
    if (read.last) {
      reads_closed_ = true;        // No read follows the last request...
      half_close_pending_ = true;  // ...and Dispatch() sends the half-close with it.
    }
    OnRequestRead(read);
    const bool half_close_unsent = std::exchange(half_close_pending_, false);
    if (!read.last || finished_) return;
    if (!half_close_unsent) {
      MaybeFinish();
      return;
    }
  }
  reads_closed_ = true;
  if (has_session_) SendToSession(HalfClose{});
  MaybeFinish();
}

void StreamActor::OnRequestRead(ReadDone& read) {
  ++unflushed_received_;
  if (method_metrics_ != nullptr) method_metrics_->received.Add(1);
  const v1::InferRequest& request = read.request->message;
  bool admitted = false;  // The first request is admitted with its model.
  if (resumable_ != nullptr && request.sequence() != 0) {
    if (request.sequence() <= resumable_->highest_request_sequence) {
      // Sent again by a client that resumed: its responses were or will be
      // replayed, so it is not run twice.
      counters_->Add(counters_->requests_deduplicated, 1);
      MaybeStartRead();
      return;
    }
    resumable_->highest_request_sequence = request.sequence();
  }
  if (!has_session_) {
    if (!SelectModel(request, read.model)) return;
    admitted = true;
  } else if (!request.model().empty() &&
             (request.model() != model_->name ||
              (!request.model_version().empty() && request.model_version() != model_->version))) {
    Reject(std::move(read.request),
           absl::InvalidArgumentError(absl::StrCat(
               "this stream serves model ", DescribeModel(model_->name, model_->version),
               " but the request names ", DescribeModel(request.model(), request.model_version()),
               "; open a new stream for another model")),
           metrics::RejectReason::kModelMismatch);
    return;
  }
  if (request.payload().size() > settings_->max_payload_bytes) {
    Reject(std::move(read.request),
           absl::ResourceExhaustedError(
               absl::StrCat("payload of ", request.payload().size(), " bytes exceeds the limit of ",
                            settings_->max_payload_bytes, " bytes (max_payload_bytes)")),
           metrics::RejectReason::kPayloadTooLarge);
    return;
  }
  int64_t timestamp = next_auto_timestamp_;
  const auto& parameters = request.parameters();
  // Most requests carry no parameters: then no key is hashed (about 100
  // instructions a request, counted).
  if (auto it = parameters.empty() ? parameters.end() : parameters.find(kTimestampParameter);
      it != parameters.end()) {
    if (!absl::SimpleAtoi(it->second, &timestamp)) {
      Reject(std::move(read.request),
             absl::InvalidArgumentError(absl::StrCat(
                 "parameter 'timestamp' must be a decimal integer, got '", it->second, "'")),
             metrics::RejectReason::kBadTimestamp);
      return;
    }
    if (timestamp == std::numeric_limits<int64_t>::max()) {
      // The next automatic timestamp would overflow.
      Reject(std::move(read.request),
             absl::InvalidArgumentError(absl::StrCat("timestamp ", timestamp,
                                                     " is too large; the largest allowed is ",
                                                     std::numeric_limits<int64_t>::max() - 1)),
             metrics::RejectReason::kBadTimestamp);
      return;
    }
    if (last_timestamp_.has_value() && timestamp <= *last_timestamp_) {
      Reject(std::move(read.request),
             absl::InvalidArgumentError(
                 absl::StrCat("timestamp ", timestamp, " is not greater than the previous ",
                              *last_timestamp_, "; timestamps must increase")),
             metrics::RejectReason::kBadTimestamp);
      return;
    }
  }
  if (!admitted) {
    if (absl::Status refused = AdmitRequest(); !refused.ok()) {
      if (kind_ == RpcKind::kBidiStreaming) {
        Reject(std::move(read.request), refused,
               metrics::RejectReason::kRequestLimit);  // The stream stays open.
      } else {
        if (metrics_ != nullptr) metrics_->RequestRejected(metrics::RejectReason::kRequestLimit);
        Finish(refused, /*cancel_session=*/true);
      }
      return;
    }
  }
  last_timestamp_ = timestamp;
  next_auto_timestamp_ = timestamp + 1;
  Dispatch(std::move(read.request), timestamp, absl::OkStatus());
}

void StreamActor::Reject(RequestPtr&& request, const absl::Status& status,
                         metrics::RejectReason reason) {
  if (metrics_ != nullptr) metrics_->RequestRejected(reason);
  Dispatch(std::move(request), last_timestamp_.value_or(0), status);
}

void StreamActor::Dispatch(RequestPtr&& request, int64_t timestamp, absl::Status rejection) {
  // MaybeStartRead() reads only with a credit available, but a live config
  // change may have lowered the limit since; the request counts either way.
  const uint64_t bytes = request->message.ByteSizeLong();
  credits_.Take(bytes);
  credits_peak_ = std::max(credits_peak_, credits_.in_use());
  const bool last = std::exchange(half_close_pending_, false);
  if (hosted_session_ != nullptr) {
    SessionMessage message(std::in_place_type<SessionRequest>, std::move(request), timestamp,
                           std::move(rejection), bytes, last);
    hosted_session_->Accept(message);
  } else if (session_ != nullptr) {
    session_->Emplace<SessionRequest>(std::move(request), timestamp, std::move(rejection), bytes,
                                      last);
  }
  RefreshSettings();  // After the credit is taken, before the next read.
  MaybeStartRead();
  PublishGauges();
}

bool StreamActor::SelectModel(const v1::InferRequest& request, const ModelEntry* looked_up) {
  if (request.model().empty()) {
    Finish(absl::InvalidArgumentError(
               "the first request on a stream must name a model (field 'model')"),
           /*cancel_session=*/false);
    return false;
  }
  // The models served now (or when the call came, if its transport looked
  // the model up); a model removed later stays with this stream.
  if (registry_ == nullptr) registry_ = environment_.models->Current();
  const ModelEntry* entry =
      looked_up != nullptr ? looked_up : registry_->Find(request.model(), request.model_version());
  if (entry == nullptr) {
    Finish(absl::NotFoundError(absl::StrCat(
               "model ", DescribeModel(request.model(), request.model_version()),
               " is not served here; available models: ", absl::StrJoin(registry_->Names(), ", "))),
           /*cancel_session=*/false);
    return false;
  }
  if (entry->availability != nullptr && !entry->availability->serving()) {
    Finish(absl::UnavailableError(absl::StrCat("model ", DescribeModel(entry->name, ""),
                                               " is not serving: ", entry->availability->reason(),
                                               "; retry later or on another replica")),
           /*cancel_session=*/false);
    return false;
  }
  model_ = entry;
  if (entry->load != nullptr) {
    model_load_ = entry->load;
    model_max_requests_ = entry->max_requests_in_flight;
    if (entry->max_streams > 0) {
      if (!LoadCounter::TryAcquire(model_load_->streams, entry->max_streams)) {
        if (metrics_ != nullptr) {
          metrics_->AdmissionRejected(metrics::AdmissionReason::kModelStreamLimit);
        }
        Finish(OverLimit(
                   absl::StrCat("model ", DescribeModel(entry->name, ""), " is at its limit of ",
                                entry->max_streams, " concurrent streams (models[].max_streams)"),
                   settings_->retry_pushback),
               /*cancel_session=*/false);
        return false;
      }
      holds_model_stream_ = true;
    }
  }
  // Before the session exists: a refused request costs the model nothing.
  if (absl::Status refused = AdmitRequest(); !refused.ok()) {
    if (metrics_ != nullptr) metrics_->RequestRejected(metrics::RejectReason::kRequestLimit);
    Finish(refused, /*cancel_session=*/false);
    return false;
  }
  model_max_credits_ = entry->max_credits_per_stream;
  if (model_max_credits_ != 0) credits_.set_limit(std::min(credits_.limit(), model_max_credits_));
  model_metrics_ = entry->instruments.get();
  // Release: a scrape that reads the pointer (acquire) sees the series' name.
  gauge_model_.store(model_metrics_, std::memory_order_release);
  auto deadline = deadline_;
  if (entry->timeout.count() > 0) {
    const auto model_deadline =
        std::chrono::system_clock::now() +
        std::chrono::duration_cast<std::chrono::system_clock::duration>(entry->timeout);
    if (model_deadline < deadline) {
      deadline = model_deadline;
      ArmServerDeadline(
          deadline, absl::DeadlineExceededError(absl::StrCat(
                        "model ", DescribeModel(entry->name, ""), " took longer than its limit of ",
                        absl::FormatDuration(absl::FromChrono(entry->timeout)),
                        " (models[].timeout_seconds)")));
    }
  }
  auto context = std::make_shared<SessionContext>(request.stream_id(), entry->name, entry->version,
                                                  deadline, kind_);
  if (entry->execution == Execution::kInline) {
    hosted_session_ = std::make_unique<SessionCore>(
        static_cast<SessionHost*>(this), environment_.census, environment_.stream_executor,
        registry_, *entry, std::move(context), window_, counters_);
  } else {
    session_ = std::make_shared<SessionActor>(
        environment_.census,
        entry->executor.has_value() ? *entry->executor : environment_.model_executor,
        settings_->max_messages_per_turn, registry_, *entry, std::move(context),
        std::static_pointer_cast<StreamActor>(shared_from_this()), window_, counters_);
  }
  has_session_ = true;
  session_room_given_ = window_;
  return true;
}

void StreamActor::OnSessionOutput(SessionOutput& output) {
  if (finished_) return;
  session_responses_received_ += output.responses.size();
  if (single_response_) {
    // Recorded from the output below, once the credits are back: nothing
    // waits for a write, so the outbound queue is never used.
    outbound_peak_ = std::max(outbound_peak_, static_cast<uint32_t>(output.responses.size()));
  } else {
    for (v1::InferResponse& response : output.responses) outbound_.push_back(std::move(response));
    outbound_peak_ = std::max(outbound_peak_, outbound_occupancy());
  }
  if (output.requests_done > 0) {
    credits_.Release(output.request_bytes, output.requests_done);
    // Rejected requests hold credits but were not counted.
    while (counted_requests_ > credits_.in_use()) ReleaseRequest();
    // Before the response goes out: a client that has it and then reads the
    // metrics must see the credit back (this turn may be preempted between
    // the write and its end).
    gauge_credits_in_use_.store(credits_.in_use(), std::memory_order_relaxed);
  }
  if (output.half_close_done) session_done_ = true;
  if (!output.fatal.ok()) {
    // Deliver what the model already produced, then close with its status.
    fatal_ = output.fatal;
    reads_closed_ = true;
  }
  if (single_response_) {
    RecordSingleResponse(output.responses);
  } else {
    MaybeWrite();
  }
  MaybeStartRead();
  MaybeFinish();
  PublishGauges();
}

void StreamActor::OnWriteDone(const WriteDone& write) {
  write_in_flight_ = false;
  if (finished_) {
    if (resumable_ != nullptr && resumable_->ended.has_value() && attached_) {
      if (!write.ok) {
        HoldEnded();
        return;
      }
      ++unflushed_sent_;
      resumable_->write_is_replay = false;
      ++resumable_->replay_next;
      ReplayEnded();
    }
    return;
  }
  if (!write.ok) {
    // The transport failed the write: the client cancelled, its deadline
    // passed or the connection broke (a PeerCancelled normally follows).
    // Nothing more can reach the client.
    if (resumable_ != nullptr && !write.deadline_expired) {
      write_in_flight_ = true;  // Detach() accounts for the write.
      Detach(absl::CancelledError("the call broke while writing; its session is held for resume"));
    } else if (write.deadline_expired) {
      CountCancelled(metrics::CancelledBy::kDeadline);
      Finish(absl::DeadlineExceededError("the stream's deadline expired"),
             /*cancel_session=*/true);
    } else {
      CountCancelled(metrics::CancelledBy::kClient);
      Finish(absl::CancelledError("the stream broke while writing a response"),
             /*cancel_session=*/true);
    }
    return;
  }
  ++unflushed_sent_;
  if (resumable_ != nullptr && resumable_->write_is_replay) {
    resumable_->write_is_replay = false;
    ++resumable_->replay_next;
    MaybeWrite();
    MaybeStartRead();
    MaybeFinish();
    return;
  }
  ++session_responses_written_;
  CountResponseWritten();
  RefreshSettings();
  MaybeGrant();
  if (unflushed_sent_ >= kCounterFlushBatch || unflushed_received_ >= kCounterFlushBatch) {
    FlushCounters();
  }
  MaybeWrite();
  MaybeStartRead();
  MaybeFinish();
  PublishGauges();
}

void StreamActor::MaybeStartRead() {
  if (read_in_flight_ || reads_closed_ || finished_ || !attached_ || !credits_.available()) return;
  read_in_flight_ = true;
  port_->StartRead();
}

void StreamActor::MaybeWrite() {
  // A single response is recorded as it comes (RecordSingleResponse).
  if (single_response_ || write_in_flight_ || finished_ || !attached_) return;
  if (resumable_ != nullptr && resumable_->replay_next < next_response_sequence_) {
    const v1::InferResponse* missed = resumable_->replay.Find(resumable_->replay_next);
    if (missed == nullptr) {
      // Checked when the call attached, and nothing is dropped meanwhile.
      Finish(absl::InternalError("a response to replay was dropped from the replay window"),
             /*cancel_session=*/true);
      return;
    }
    resumable_->write_is_replay = true;
    write_in_flight_ = true;
    port_->StartWrite(v1::InferResponse(*missed));  // A copy: it stays for a later resume.
    return;
  }
  if (outbound_.empty()) return;
  if (kind_ == RpcKind::kServerStreaming && outbound_.front().has_error()) {
    // The call has one request, so an error answering it is the call's
    // outcome: end with it as the status (what grpcurl and clients expect),
    // after the responses before it were written.
    ++unflushed_errors_;
    Finish(StatusFromError(outbound_.front()), /*cancel_session=*/credits_.in_use() > 0);
    return;
  }
  // Written from where it lies: the port moves it into the call's write
  // buffer, and the pop then frees only the moved-from shell.
  v1::InferResponse& next = outbound_.front();
  next.set_sequence(next_response_sequence_++);
  if (next.has_error()) ++unflushed_errors_;
  write_in_flight_ = true;
  if (resumable_ != nullptr) {
    resumable_->replay.Add(next, std::chrono::steady_clock::now());
    resumable_->replay_next = next_response_sequence_;
  }
  port_->StartWrite(std::move(next));
  outbound_.pop_front();
}

absl::Status StreamActor::StatusFromError(const v1::InferResponse& response) const {
  auto code = static_cast<absl::StatusCode>(response.error().code());
  if (code == absl::StatusCode::kOk) code = absl::StatusCode::kUnknown;  // Not a success.
  // A client-streaming call answers many requests with one status: say which
  // request it is about.
  if (kind_ == RpcKind::kClientStreaming) {
    return absl::Status(code, absl::StrCat("request ", response.request_sequence(), ": ",
                                           response.error().message()));
  }
  return absl::Status(code, response.error().message());
}

// The port keeps the one response of the call; nothing is written until
// Finish, so there is no WriteDone and each response is "written" at once.
void StreamActor::RecordSingleResponse(std::vector<v1::InferResponse>& responses) {
  for (v1::InferResponse& next : responses) {
    if (finished_) return;
    if (next.has_error()) {
      ++unflushed_errors_;
      // The model may still have requests of this call to work on.
      const bool work_left = !reads_closed_ || credits_.in_use() > 0;
      Finish(StatusFromError(next), /*cancel_session=*/work_left);
      return;
    }
    if (single_response_recorded_) {
      Finish(absl::InternalError(
                 absl::StrCat("model ", DescribeModel(model_->name, model_->version),
                              " emitted more than one response for a ", KindName(kind_), " call")),
             /*cancel_session=*/true);
      return;
    }
    single_response_recorded_ = true;
    next.set_sequence(next_response_sequence_++);
    port_->StartWrite(std::move(next));
    ++unflushed_sent_;
    ++session_responses_written_;
    CountResponseWritten();
    MaybeGrant();
  }
}

// Returns window credit to the session as responses are written, so that it
// may have emitted at most written + window in all (received - written, the
// occupancy, stays <= window). Credit goes in batches of half a window, or at
// once when the session is provably out of room (it has emitted all it was
// given) and so is waiting. A window raised live is granted here too; a
// lowered one simply withholds credit until occupancy is under it.
void StreamActor::MaybeGrant() {
  if (!has_session_) return;
  const uint64_t target = session_responses_written_ + window_;
  if (target <= session_room_given_) return;
  const uint64_t grant = target - session_room_given_;
  const bool session_starved = session_responses_received_ >= session_room_given_;
  if (!session_starved && grant < (window_ + 1) / 2) return;
  session_room_given_ = target;
  SendToSession(WindowGrant{static_cast<uint32_t>(grant)});
}

void StreamActor::MaybeFinish() {
  if (finished_ || write_in_flight_ || !outbound_.empty()) return;
  // A detached session's end waits for its client to resume and hear it.
  if (!attached_) return;
  if (resumable_ != nullptr && resumable_->replay_next < next_response_sequence_) return;
  if (!fatal_.ok()) {
    Finish(fatal_, /*cancel_session=*/false);  // The model failed; it knows.
    return;
  }
  if (!reads_closed_ || read_in_flight_ || credits_.in_use() > 0) return;
  if (has_session_ && !session_done_) return;
  if (single_response_ && !has_session_) {
    Finish(absl::InvalidArgumentError(
               absl::StrCat("the ", KindName(kind_),
                            " call carried no request; its first request names the model")),
           /*cancel_session=*/false);
    return;
  }
  if (single_response_ && !single_response_recorded_) {
    Finish(
        absl::InternalError(absl::StrCat("model ", DescribeModel(model_->name, model_->version),
                                         " returned no response for a ", KindName(kind_), " call")),
        /*cancel_session=*/false);
    return;
  }
  Finish(absl::OkStatus(), /*cancel_session=*/false);
}

void StreamActor::Finish(const absl::Status& status, bool cancel_session) {
  finished_ = true;
  if (deadline_timer_) deadline_timer_->cancel();
  if (resumable_ != nullptr) {
    if (attached_ && !cancel_session && has_session_) {
      resumable_->ended = status;  // Held until the call is done (HoldEnded).
    } else {
      // First: a client that has the status may open a session by this id.
      environment_.resumable_sessions->Unregister(resumable_->session_id, this);
      if (resumable_->grace_timer) resumable_->grace_timer->cancel();
    }
  }
  // Before the status goes out: a client that has it may open another
  // stream at once, and must find the slot free.
  ReleaseAdmission();
  if (attached_) {
    CountHandled(status);  // First: the client may read the metrics once it has the status.
    port_->Finish(status);
  }
  outbound_.clear();
  if (has_session_) EndSession(cancel_session);
  FlushCounters();
  PublishGauges();
  if (!attached_) EndActor();  // No call is left to report its end.
}

void StreamActor::OnReactorDone(const ReactorDone& done) {
  if (reactor_done_) return;
  if (finished_ && resumable_ != nullptr && resumable_->ended.has_value() && attached_) {
    HoldEnded();
    return;
  }
  if (!finished_ && resumable_ != nullptr && !done.deadline_expired) {
    // The call ended under us (its cancel may still be queued behind this).
    Detach(absl::CancelledError("the call was lost; its session is held for resume"));
    return;
  }
  reactor_done_ = true;
  if (!finished_) {
    // gRPC ended the call before we did: the client went away or the
    // deadline passed (the cancel message may still be queued behind this).
    CountCancelled(done.deadline_expired ? metrics::CancelledBy::kDeadline
                                         : metrics::CancelledBy::kClient);
    CountHandled(done.deadline_expired ? absl::DeadlineExceededError("") : absl::CancelledError());
  }
  EndActor();
}

void StreamActor::EndActor() {
  if (actor_ended_) return;
  actor_ended_ = true;
  ReleaseAdmission();
  finished_ = true;  // The port is detached; nothing can be sent any more.
  if (deadline_timer_) deadline_timer_->cancel();
  if (resumable_ != nullptr && resumable_->grace_timer) resumable_->grace_timer->cancel();
  // gRPC may end the call before we did (its cancel still queued): the
  // session is cancelled rather than merely dropped. Model code never runs
  // here when this is a reaction: a session actor releases the model's
  // session in its own turn on its pool, a hosted one is released on the
  // pool (ReleaseHostedSession).
  if (has_session_ && !session_told_to_end_) EndSession(/*cancel=*/true);
  session_.reset();
  FlushCounters();
  CountStarted();
  counters_->Add(counters_->streams_finished, 1);
  if (started_) environment_.live_streams->Remove(*this);
  CloseMailbox();
}

void StreamActor::EndSession(bool cancel) {
  if (session_told_to_end_) return;
  session_told_to_end_ = true;
  if (hosted_session_ != nullptr) {
    if (cancel) hosted_session_->context()->MarkCancelled();
    ReleaseHostedSession(cancel);
  } else if (cancel) {
    session_->context()->MarkCancelled();  // Seen by a model call in progress.
    SendToSession(CancelSession{});
  } else {
    SendToSession(CloseSession{});
  }
}

void StreamActor::SendToSession(SessionMessage&& message) {
  if (hosted_session_ != nullptr) {
    hosted_session_->Accept(message);  // Pumped once the current message is handled.
  } else if (session_ != nullptr) {
    session_->Send(std::move(message));
  }
}

void StreamActor::FlushCounters() {
  if (unflushed_received_ != 0) counters_->Add(counters_->messages_received, unflushed_received_);
  if (unflushed_sent_ != 0) counters_->Add(counters_->messages_sent, unflushed_sent_);
  if (unflushed_errors_ != 0) counters_->Add(counters_->error_responses, unflushed_errors_);
  unflushed_received_ = unflushed_sent_ = unflushed_errors_ = 0;
  metrics::EngineCounters::RaiseTo(counters_->outbound_window_peak, outbound_peak_);
  metrics::EngineCounters::RaiseTo(counters_->credits_in_use_peak, credits_peak_);
}

void StreamActor::CountCancelled(metrics::CancelledBy by) {
  if (metrics_ != nullptr) metrics_->StreamCancelled(by);
}

void StreamActor::CountResponseWritten() {
  if (method_metrics_ == nullptr) return;
  method_metrics_->sent.Add(1);
  if (model_metrics_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  if (last_response_at_ != std::chrono::steady_clock::time_point::min()) {
    model_metrics_->response_gap.ObserveNanos(NanosSince(last_response_at_, now));
  } else {
    model_metrics_->time_to_first_response.ObserveNanos(NanosSince(started_at_, now));
  }
  last_response_at_ = now;
}

void StreamActor::CountHandled(const absl::Status& status) {
  CountStarted();
  if (method_metrics_ == nullptr || handled_counted_) return;
  handled_counted_ = true;
  const auto code = static_cast<size_t>(status.code());
  method_metrics_->handled[code < metrics::kStatusCodeCount ? code : 2]->Increment();
  method_metrics_->handling_seconds.ObserveNanos(
      NanosSince(started_at_, std::chrono::steady_clock::now()));
}

void StreamActor::RefreshSettings() {
  const uint64_t generation = environment_.settings->generation();
  if (generation == settings_generation_) return;
  settings_generation_ = generation;
  settings_ = environment_.settings->Current();
  uint32_t credits = settings_->credits_per_stream;
  if (model_max_credits_ != 0) credits = std::min(credits, model_max_credits_);
  credits_.set_limit(credits);
  credits_.set_byte_limit(settings_->credit_bytes_per_stream);
  window_ = settings_->outbound_window;
  gauge_window_.store(window_, std::memory_order_relaxed);
  PublishGauges();
  // A raised credit limit allows more reads; the caller's MaybeStartRead()
  // issues the next one once this step's request holds its credit.
  MaybeGrant();
}

void StreamActor::ArmServerDeadline(std::chrono::system_clock::time_point deadline,
                                    absl::Status expired) {
  const auto remaining = deadline - std::chrono::system_clock::now();
  // A timer armed before (the server's deadline) is replaced: this one is
  // earlier. Its handler then sees operation_aborted.
  deadline_timer_ = std::make_unique<boost::asio::steady_timer>(environment_.stream_executor);
  deadline_timer_->expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(remaining));
  std::weak_ptr<Actor<StreamMessage>> weak = weak_from_this();
  deadline_timer_->async_wait(
      [weak, expired = std::move(expired)](const boost::system::error_code& error) {
        if (error) return;  // Cancelled: the stream ended first.
        if (auto self = weak.lock()) self->Send(AbortStream{expired});
      });
}

void StreamActor::PublishGauges() {
  gauge_credits_in_use_.store(credits_.in_use(), std::memory_order_relaxed);
  gauge_credits_limit_.store(CreditsLimitForGauge(), std::memory_order_relaxed);
  gauge_outbound_.store(outbound_occupancy(), std::memory_order_relaxed);
}

StreamActor::GaugeReading StreamActor::ReadGauges() const {
  return GaugeReading{
      .kind = kind_,
      .model = gauge_model_.load(std::memory_order_acquire),
      .credits_in_use = gauge_credits_in_use_.load(std::memory_order_relaxed),
      .credits_limit = gauge_credits_limit_.load(std::memory_order_relaxed),
      .outbound_occupancy = gauge_outbound_.load(std::memory_order_relaxed),
      .outbound_window = gauge_window_.load(std::memory_order_relaxed),
      .mailbox_depth = ApproxMailboxDepth(),
  };
}

}  // namespace sluice::actors
