// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Models that let end-to-end tests observe what the engine does to a model:
// how much it generated, whether it saw cancellation, whether it was paused.

#pragma once

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "actors/actor.h"
#include "sluice/model.h"

namespace sluice::testing {

/// A notification that may be fired by many threads; the first one counts.
class OnceEvent {
 public:
  void Fire() {
    if (!fired_.exchange(true)) notification_.Notify();
  }
  void Wait() { notification_.WaitForNotification(); }
  bool fired() const { return fired_.load(); }

 private:
  std::atomic<bool> fired_{false};
  absl::Notification notification_;
};

/// What the sessions of an ObservedGenerator did. Shared with the test.
struct GeneratorProbe {
  std::atomic<int> sessions_opened{0};
  // Model calls (NewSession included) made inside a gRPC reaction; the
  // engine promises none.
  std::atomic<int> calls_in_reaction{0};
  std::atomic<int64_t> emitted{0};
  // Calls into a session after its OnCancel() ran; the engine promises none.
  std::atomic<int> calls_after_cancel{0};
  OnceEvent first_emitted;
  OnceEvent cancelled;        // OnCancel() ran.
  OnceEvent saw_full_window;  // A call ended because room() hit 0.
  OnceEvent session_destroyed;
  std::atomic<int> half_closes{0};
};

/// Generates `payload_bytes`-sized responses, forever or up to the request's
/// "count" parameter, as fast as the window allows (or one per "pace_ms"),
/// at most "per_call" per model call (default: as many as fit).
class ObservedGenerator final : public Model {
 public:
  ObservedGenerator(std::shared_ptr<GeneratorProbe> probe, size_t payload_bytes)
      : probe_(std::move(probe)), payload_bytes_(payload_bytes) {}

  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override {
    probe_->sessions_opened.fetch_add(1);
    if (actors::internal::in_reaction) probe_->calls_in_reaction.fetch_add(1);
    return std::make_unique<Session>(probe_, context, payload_bytes_);
  }

 private:
  class Session final : public ModelSession {
   public:
    Session(std::shared_ptr<GeneratorProbe> probe, std::shared_ptr<const SessionContext> context,
            size_t payload_bytes)
        : probe_(std::move(probe)), context_(std::move(context)), payload_(payload_bytes, 'x') {}
    ~Session() override {
      if (actors::internal::in_reaction) probe_->calls_in_reaction.fetch_add(1);
      probe_->session_destroyed.Fire();
    }

    Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
      NoteCallAfterCancel();
      auto it = request.parameters().find("count");
      remaining_ = it == request.parameters().end() ? -1 : std::stoll(it->second);
      auto pace = request.parameters().find("pace_ms");
      pace_ms_ = pace == request.parameters().end() ? 0 : std::stoi(pace->second);
      auto per_call = request.parameters().find("per_call");
      per_call_ = per_call == request.parameters().end() ? -1 : std::stoll(per_call->second);
      return Generate(sink);
    }
    Step OnResume(ResponseSink& sink) override {
      NoteCallAfterCancel();
      return Generate(sink);
    }
    Step OnHalfClose(ResponseSink&) override {
      NoteCallAfterCancel();
      probe_->half_closes.fetch_add(1);
      return Step::Done();
    }
    void OnCancel() override {
      if (actors::internal::in_reaction) probe_->calls_in_reaction.fetch_add(1);
      probe_->cancelled.Fire();
    }

   private:
    void NoteCallAfterCancel() {
      if (probe_->cancelled.fired()) probe_->calls_after_cancel.fetch_add(1);
      if (actors::internal::in_reaction) probe_->calls_in_reaction.fetch_add(1);
    }

    Step Generate(ResponseSink& sink) {
      // A cancel can land while this call runs (it is set from another
      // thread); a well-behaved model stops early rather than fill the window.
      int64_t emitted = 0;
      while (remaining_ != 0 && emitted != per_call_ && sink.room() > 0 && !context_->cancelled()) {
        v1::InferResponse response;
        response.set_payload(payload_);
        if (!sink.Emit(std::move(response))) break;
        probe_->emitted.fetch_add(1);
        ++emitted;
        probe_->first_emitted.Fire();
        if (remaining_ > 0) --remaining_;
        if (pace_ms_ > 0) break;
      }
      if (remaining_ == 0) return Step::Done();
      if (sink.room() == 0) probe_->saw_full_window.Fire();
      if (pace_ms_ > 0) return Step::ResumeAfter(std::chrono::milliseconds(pace_ms_));
      return Step::Resume();
    }

    std::shared_ptr<GeneratorProbe> probe_;
    std::shared_ptr<const SessionContext> context_;
    std::string payload_;
    int64_t remaining_ = 0;
    int pace_ms_ = 0;
    int64_t per_call_ = -1;
  };

  std::shared_ptr<GeneratorProbe> probe_;
  const size_t payload_bytes_;
};

/// Fails the way real models do: payload "throw" throws, "fail" returns
/// Fail(UNAVAILABLE), "error" emits a per-request error; anything else echoes.
class FaultyModel final : public Model {
 public:
  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>&) override {
    return std::make_unique<Session>();
  }

 private:
  class Session final : public ModelSession {
   public:
    Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
      if (request.payload() == "throw") throw std::runtime_error("model exploded");
      if (request.payload() == "fail") {
        return Step::Fail(absl::UnavailableError("the model's backend is down"));
      }
      if (request.payload() == "error") {
        (void)sink.EmitError(absl::InvalidArgumentError("the model rejects this input"));
        return Step::Done();
      }
      v1::InferResponse response;
      response.set_payload(request.payload());
      (void)sink.Emit(std::move(response));
      return Step::Done();
    }
  };
};

/// What a Doorbell session exposes to the test: its context, to ring it.
struct DoorbellProbe {
  std::atomic<int> rings{0};
  std::shared_ptr<const SessionContext> context;
  OnceEvent waiting;    // The session returned Wait() for the first time.
  OnceEvent cancelled;  // OnCancel() ran.

  void Ring() {
    rings.fetch_add(1);
    context->Notify();
  }
};

/// Waits for outside events: answers "ring N" for every Ring() the test
/// makes, and is done after the request's "rings" parameter (default 3).
class Doorbell final : public Model {
 public:
  explicit Doorbell(std::shared_ptr<DoorbellProbe> probe) : probe_(std::move(probe)) {}

  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override {
    probe_->context = context;
    return std::make_unique<Session>(probe_);
  }

 private:
  class Session final : public ModelSession {
   public:
    explicit Session(std::shared_ptr<DoorbellProbe> probe) : probe_(std::move(probe)) {}
    Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
      auto it = request.parameters().find("rings");
      target_ = it == request.parameters().end() ? 3 : std::stoi(it->second);
      return OnResume(sink);
    }
    Step OnResume(ResponseSink& sink) override {
      while (answered_ < probe_->rings.load() && answered_ < target_ && sink.room() > 0) {
        v1::InferResponse response;
        response.set_payload("ring " + std::to_string(++answered_));
        (void)sink.Emit(std::move(response));
      }
      if (answered_ == target_) return Step::Done();
      probe_->waiting.Fire();
      return Step::Wait();
    }
    void OnCancel() override { probe_->cancelled.Fire(); }

   private:
    std::shared_ptr<DoorbellProbe> probe_;
    int target_ = 0;
    int answered_ = 0;
  };
  std::shared_ptr<DoorbellProbe> probe_;
};

/// Counts requests and payload bytes and answers once: at each request for a
/// unary call, at half-close otherwise (a client-streaming summary).
class CounterModel final : public Model {
 public:
  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override {
    return std::make_unique<Session>(context->rpc_kind());
  }

 private:
  class Session final : public ModelSession {
   public:
    explicit Session(RpcKind kind) : kind_(kind) {}
    Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
      ++requests_;
      bytes_ += static_cast<int64_t>(request.payload().size());
      if (kind_ == RpcKind::kUnary) return OnHalfClose(sink);
      return Step::Done();
    }
    Step OnHalfClose(ResponseSink& sink) override {
      v1::InferResponse response;
      (*response.mutable_parameters())["requests"] = std::to_string(requests_);
      (*response.mutable_parameters())["bytes"] = std::to_string(bytes_);
      (void)sink.Emit(std::move(response));
      return Step::Done();
    }

   private:
    const RpcKind kind_;
    int64_t requests_ = 0;
    int64_t bytes_ = 0;
  };
};

/// Answers every request at once with how many requests its session has
/// run so far ("n") and the request's payload: a request run twice shows.
/// Counts sessions opened and cancelled (told to release their state).
class LedgerModel final : public Model {
 public:
  std::atomic<int> sessions_opened{0};
  std::atomic<int> sessions_cancelled{0};

  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>&) override {
    sessions_opened.fetch_add(1);
    return std::make_unique<Session>(this);
  }

 private:
  class Session final : public ModelSession {
   public:
    explicit Session(LedgerModel* model) : model_(model) {}
    Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
      v1::InferResponse response;
      (*response.mutable_parameters())["n"] = std::to_string(++requests_);
      response.set_payload(request.payload());
      (void)sink.Emit(std::move(response));
      return Step::Done();
    }
    void OnCancel() override { model_->sessions_cancelled.fetch_add(1); }

   private:
    LedgerModel* const model_;  // Registered models outlive their sessions.
    int64_t requests_ = 0;
  };
};

/// Holds every request at a gate until the test opens it, then answers each
/// with its payload: requests stay in flight for as long as a test needs.
class GateModel final : public Model {
 public:
  std::atomic<int> sessions_opened{0};

  /// Blocks until `count` requests are held at the gate.
  void WaitUntilHeld(int count) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, count]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return held_ >= count; };
    mu_.Await(absl::Condition(&enough));
  }
  /// Lets every held request, and every later one, through.
  void Open() {
    std::vector<std::shared_ptr<const SessionContext>> waiting;
    {
      absl::MutexLock lock(&mu_);
      open_ = true;
      waiting.swap(contexts_);
    }
    for (const auto& context : waiting) context->Notify();
  }

  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override {
    sessions_opened.fetch_add(1);
    return std::make_unique<Session>(this, context);
  }

 private:
  class Session final : public ModelSession {
   public:
    Session(GateModel* gate, std::shared_ptr<const SessionContext> context)
        : gate_(gate), context_(std::move(context)) {}
    Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
      payload_ = request.payload();
      {
        absl::MutexLock lock(&gate_->mu_);
        if (!gate_->open_) {
          ++gate_->held_;
          gate_->contexts_.push_back(context_);
          return Step::Wait();
        }
      }
      return Answer(sink);
    }
    Step OnResume(ResponseSink& sink) override {
      {
        absl::MutexLock lock(&gate_->mu_);
        if (!gate_->open_) return Step::Wait();
      }
      return Answer(sink);
    }

   private:
    Step Answer(ResponseSink& sink) {
      v1::InferResponse response;
      response.set_payload(payload_);
      (void)sink.Emit(std::move(response));
      return Step::Done();
    }
    GateModel* const gate_;  // Registered models outlive their sessions.
    const std::shared_ptr<const SessionContext> context_;
    std::string payload_;
  };

  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = false;
  int held_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<const SessionContext>> contexts_ ABSL_GUARDED_BY(mu_);
};

/// A model whose sessions cannot be created.
class UnopenableModel final : public Model {
 public:
  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>&) override {
    return absl::UnavailableError("the model's weights are not loaded");
  }
};

/// What the sessions of an InteropModel did. Shared with the test.
struct InteropProbe {
  std::atomic<int> sessions_opened{0};
  OnceEvent cancelled;  // OnCancel() ran.
};

/// The server side of the gRPC interop cases (grpc/doc/interop-test-descriptions.md),
/// driven by each request's parameters, like the interop's SimpleRequest:
///   "response_size": N          one response of N zero bytes;
///   "response_sizes": "a,b,..." one response of each size, in order;
///   "fail_code", "fail_message" Fail() with that status (the interop's response_status);
///   "hold"                      never answers (a sleeping server): only a cancel ends it.
/// With none of them, one empty response. Every response carries the
/// request's payload size as "request_bytes".
class InteropModel final : public Model {
 public:
  explicit InteropModel(std::shared_ptr<InteropProbe> probe) : probe_(std::move(probe)) {}

  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>&) override {
    probe_->sessions_opened.fetch_add(1);
    return std::make_unique<Session>(probe_);
  }

 private:
  class Session final : public ModelSession {
   public:
    explicit Session(std::shared_ptr<InteropProbe> probe) : probe_(std::move(probe)) {}

    Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
      const auto& parameters = request.parameters();
      if (auto code = parameters.find("fail_code"); code != parameters.end()) {
        int value = 0;
        if (!absl::SimpleAtoi(code->second, &value) || value < 1 || value > 16) {
          return Step::Fail(absl::InvalidArgumentError("fail_code must be a code from 1 to 16"));
        }
        auto message = parameters.find("fail_message");
        return Step::Fail(absl::Status(static_cast<absl::StatusCode>(value),
                                       message == parameters.end() ? "" : message->second));
      }
      if (parameters.count("hold") > 0) {
        holding_ = true;
        return Step::Wait();
      }
      request_bytes_ = std::to_string(request.payload().size());
      sizes_.clear();
      next_ = 0;
      std::string sizes = "0";
      if (auto list = parameters.find("response_sizes"); list != parameters.end()) {
        sizes = list->second;
      } else if (auto one = parameters.find("response_size"); one != parameters.end()) {
        sizes = one->second;
      }
      for (absl::string_view text : absl::StrSplit(sizes, ',')) {
        size_t size = 0;
        if (!absl::SimpleAtoi(text, &size)) {
          return Step::Fail(absl::InvalidArgumentError("response sizes must be byte counts"));
        }
        sizes_.push_back(size);
      }
      return OnResume(sink);
    }
    Step OnResume(ResponseSink& sink) override {
      if (holding_) return Step::Wait();
      while (next_ < sizes_.size() && sink.room() > 0) {
        v1::InferResponse response;
        response.set_payload(std::string(sizes_[next_], '\0'));
        (*response.mutable_parameters())["request_bytes"] = request_bytes_;
        if (!sink.Emit(std::move(response))) break;
        ++next_;
      }
      return next_ == sizes_.size() ? Step::Done() : Step::Resume();
    }
    void OnCancel() override { probe_->cancelled.Fire(); }

   private:
    std::shared_ptr<InteropProbe> probe_;
    bool holding_ = false;
    std::string request_bytes_;
    std::vector<size_t> sizes_;
    size_t next_ = 0;
  };

  std::shared_ptr<InteropProbe> probe_;
};

}  // namespace sluice::testing
