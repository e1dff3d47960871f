// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/session_core.h"

#include <exception>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "actors/utf8.h"

namespace sluice::actors {
namespace {

// Model calls one session makes per turn before yielding the pool thread, so
// a model that emits in many small steps cannot starve other sessions.
constexpr int kMaxCallsPerTurn = 16;

}  // namespace

// The sink handed to one model call: collects what the call emits, up to the
// room the session has.
class SessionCore::CallSink final : public ResponseSink {
 public:
  explicit CallSink(uint32_t room) : room_(room) {}

  uint32_t room() const override { return room_ - static_cast<uint32_t>(responses_.size()); }

  bool Emit(v1::InferResponse&& response) override {
    if (room() == 0) return false;
    response.clear_error();
    responses_.push_back(std::move(response));
    return true;
  }

  bool EmitError(const absl::Status& status) override {
    if (room() == 0) return false;
    v1::InferResponse response;
    auto* error = response.mutable_error();
    error->set_code(static_cast<int32_t>(status.code()));
    // Messages quote client input; invalid UTF-8 would make the client's
    // parser reject the response, and with it the stream.
    error->set_message(
        ToValidUtf8(std::string_view(status.message().data(), status.message().size())));
    responses_.push_back(std::move(response));
    return true;
  }

  std::vector<v1::InferResponse>& responses() { return responses_; }

 private:
  const uint32_t room_;
  std::vector<v1::InferResponse> responses_;
};

SessionCore::SessionCore(SessionHost* host, ActorCensus* census, Executor executor,
                         std::shared_ptr<const ModelRegistry> registry, const ModelEntry& model,
                         std::shared_ptr<SessionContext> context, uint32_t window,
                         metrics::EngineCounters* counters)
    : host_(host),
      census_(census),
      executor_(std::move(executor)),
      registry_(std::move(registry)),
      model_(model),
      context_(std::move(context)),
      counters_(counters),
      room_(window) {
  census_->Born(ActorCensus::Kind::kSession);
}

SessionCore::~SessionCore() { census_->Died(ActorCensus::Kind::kSession); }

template <typename... WorkFields>
void SessionCore::Enqueue(WorkFields&&... fields) {
  // Straight to current_ when nothing is in progress or waiting, as for a
  // unary call's request or a reading on an idle session: the work is built
  // where it is handled, not built in the backlog and moved out of it.
  if (!current_ && backlog_.empty()) {
    Begin(std::forward<WorkFields>(fields)...);
  } else {
    backlog_.emplace_back(std::forward<WorkFields>(fields)...);
  }
}

template <typename... WorkFields>
void SessionCore::Begin(WorkFields&&... fields) {
  current_.emplace(std::forward<WorkFields>(fields)...);
  current_started_ = false;
  resume_wanted_ = false;
  waiting_for_notify_ = false;
}

void SessionCore::Accept(SessionMessage& message) {
  if (released_) return;
  pump_wanted_ = true;
  if (auto* request = std::get_if<SessionRequest>(&message)) {
    Enqueue(false, std::move(request->request), request->timestamp, std::move(request->rejection),
            request->bytes);
    if (request->last) half_close_pending_ = true;
  } else if (auto* grant = std::get_if<WindowGrant>(&message)) {
    room_ += grant->responses;
  } else if (std::holds_alternative<HalfClose>(message)) {
    half_close_pending_ = true;
  } else if (auto* fired = std::get_if<TimerFired>(&message)) {
    if (fired->generation == timer_generation_) timer_pending_ = false;
  } else if (std::holds_alternative<Notified>(message)) {
    notify_pending_ = true;
  } else if (std::holds_alternative<CancelSession>(message)) {
    Release(/*cancelled=*/true);
  } else if (std::holds_alternative<CloseSession>(message)) {
    Release(/*cancelled=*/false);
  }
  // ContinuePump: only wants the pump.
}

void SessionCore::Open() {
  // Notify() may come from any thread at any time, even after the stream
  // ended: a weak reference to the host, so a model holding the context never
  // keeps it alive.
  context_->SetNotifier(std::weak_ptr<SessionHost>(host_->SessionHostRef()), [](void* host) {
    static_cast<SessionHost*>(host)->PostSessionEvent(Notified{});
  });
  absl::StatusOr<std::unique_ptr<ModelSession>> session;
  try {
    session = model_.model->NewSession(context_);
  } catch (const std::exception& e) {
    session = absl::InternalError(
        absl::StrCat("model '", model_.name, "' failed to open a session: ", e.what()));
  } catch (...) {
    session =
        absl::InternalError(absl::StrCat("model '", model_.name, "' failed to open a session"));
  }
  if (session.ok() && *session == nullptr) {
    session = absl::InternalError(absl::StrCat("model '", model_.name, "' returned no session"));
  }
  if (!session.ok()) {
    failed_ = true;
    if (model_.instruments != nullptr) model_.instruments->fatal_errors->Increment();
    output_.fatal = session.status();
    return;
  }
  session_ = std::move(*session);
}

void SessionCore::Pump() {
  if (released_) return;
  pump_wanted_ = false;
  // The first pump follows the first request: open the model's session
  // before it (unless that was tried and failed). Here, not in Accept():
  // NewSession() is model code, and a hosted core accepts in reactions.
  if (session_ == nullptr && !failed_) Open();
  int calls = 0;
  CallEnd previous_call_end;
  while (session_ != nullptr && !failed_ && !context_->cancelled()) {
    if (!current_) {
      if (!backlog_.empty()) {
        Begin(std::move(backlog_.front()));
        backlog_.pop_front();
      } else if (half_close_pending_) {
        half_close_pending_ = false;
        Begin(true);  // A half-close: the other fields keep their defaults.
      } else {
        return;
      }
    }
    if (room_ == 0 || timer_pending_) return;  // Resumed by WindowGrant / TimerFired.
    if (current_started_ && !resume_wanted_) return;
    if (waiting_for_notify_) {
      if (!notify_pending_) return;  // Resumed by Notified.
      notify_pending_ = false;
      waiting_for_notify_ = false;
    }
    if (calls == kMaxCallsPerTurn) {
      host_->ContinueSessionLater();  // In a posted turn, so other actors run first.
      return;
    }
    ++calls;
    CallSink sink(room_);
    const Step step = CallModel(sink, previous_call_end);
    current_started_ = true;
    resume_wanted_ = false;
    Deliver(sink, step);
  }
}

Step SessionCore::CallModel(CallSink& sink, CallEnd& previous_end) {
  try {
    if (!current_started_) {
      if (current_->is_half_close)
        return TimedCall([&] { return session_->OnHalfClose(sink); }, previous_end);
      const v1::InferRequest& request = current_->request->message;
      last_request_sequence_ = request.sequence();
      last_timestamp_ = current_->timestamp;
      if (!current_->rejection.ok()) {
        (void)sink.EmitError(current_->rejection);  // Calls start with room >= 1.
        return Step::Done();
      }
      return TimedCall([&] { return session_->OnRequest(request, sink); }, previous_end);
    }
    return TimedCall([&] { return session_->OnResume(sink); }, previous_end);
  } catch (const std::exception& e) {
    return Step::Fail(
        absl::InternalError(absl::StrCat("model '", model_.name, "' failed: ", e.what())));
  } catch (...) {
    return Step::Fail(absl::InternalError(absl::StrCat("model '", model_.name, "' failed")));
  }
}

template <typename Call>
Step SessionCore::TimedCall(Call call, CallEnd& previous_end) {
  if (model_.instruments == nullptr) return call();
  // A call that follows another in the same pump starts when that one ended:
  // what runs between them (delivering its output) takes well under a
  // microsecond, below the histogram's smallest bucket (10 us), and a clock
  // read costs about 70 instructions.
  const auto start = previous_end ? *previous_end : std::chrono::steady_clock::now();
  Step step = call();
  const auto end = std::chrono::steady_clock::now();
  model_.instruments->model_call.ObserveNanos(
      std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
  previous_end = end;
  return step;
}

void SessionCore::CountModelErrors(const std::vector<v1::InferResponse>& responses,
                                   const Step& step) const {
  if (model_.instruments == nullptr) return;
  // An engine rejection is answered here too, but it is not the model's error.
  if (current_ && current_->rejection.ok()) {
    for (const v1::InferResponse& response : responses) {
      if (response.has_error()) model_.instruments->error_responses->Increment();
    }
  }
  if (step.kind() == Step::Kind::kFail) model_.instruments->fatal_errors->Increment();
}

void SessionCore::Deliver(CallSink& sink, const Step& step) {
  std::vector<v1::InferResponse>& responses = sink.responses();
  CountModelErrors(responses, step);
  room_ -= static_cast<uint32_t>(responses.size());
  for (v1::InferResponse& response : responses) {
    // Protobuf allocates a string for a field set even to "". Unary calls and
    // unversioned models leave these two empty, and clearing allocates nothing.
    if (context_->stream_id().empty()) {
      response.clear_stream_id();
    } else {
      response.set_stream_id(context_->stream_id());
    }
    response.set_model(model_.name);
    if (model_.version.empty()) {
      response.clear_model_version();
    } else {
      response.set_model_version(model_.version);
    }
    response.set_request_sequence(last_request_sequence_);
    response.set_timestamp(last_timestamp_);
  }
  switch (step.kind()) {
    case Step::Kind::kDone:
      if (!responses.empty()) responses.back().set_final(true);
      if (current_->is_half_close) {
        output_.half_close_done = true;
      } else {
        ++output_.requests_done;
        output_.request_bytes += current_->bytes;
        RequestBufferCache::Recycle(std::move(current_->request));
      }
      current_.reset();
      break;
    case Step::Kind::kResume:
      resume_wanted_ = true;
      break;
    case Step::Kind::kResumeAfter:
      resume_wanted_ = true;
      ArmTimer(step.delay());
      break;
    case Step::Kind::kWait:
      resume_wanted_ = true;
      waiting_for_notify_ = true;
      break;
    case Step::Kind::kFail:
      failed_ = true;
      output_.fatal = step.status();
      break;
  }
  if (output_.responses.empty()) {
    output_.responses = std::move(responses);
  } else {
    for (v1::InferResponse& response : responses) output_.responses.push_back(std::move(response));
  }
}

void SessionCore::ArmTimer(std::chrono::nanoseconds delay) {
  timer_pending_ = true;
  const uint64_t generation = ++timer_generation_;
  if (!timer_) timer_ = std::make_unique<boost::asio::steady_timer>(executor_);
  timer_->expires_after(delay);
  timer_->async_wait(
      [host = host_->SessionHostRef(), generation](const boost::system::error_code& ec) {
        if (!ec) host->PostSessionEvent(TimerFired{generation});
      });
}

void SessionCore::Release(bool cancelled) {
  released_ = true;
  if (timer_) timer_->cancel();
  if (session_ != nullptr && cancelled) {
    counters_->Add(counters_->sessions_cancelled, 1);
    try {
      session_->OnCancel();
    } catch (...) {
      // The stream is already ending; there is no one left to tell.
    }
  }
  session_.reset();
  backlog_.clear();
  current_.reset();
  half_close_pending_ = false;
  pump_wanted_ = false;
  output_ = SessionOutput{};  // The stream no longer reads it.
}

}  // namespace sluice::actors
