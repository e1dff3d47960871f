// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the client side of a resumable session (see resuming_call.h).

#include "tools/resuming_call.h"

#include <cstdio>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "tools/status_text.h"

namespace sluice::cli {
namespace {

constexpr char kSessionKey[] = "sluice-session";
constexpr char kResumeAfterKey[] = "sluice-resume-after";

uint64_t RandomSeed() {
  std::random_device entropy;
  return (static_cast<uint64_t>(entropy()) << 32) | entropy();
}

std::string StatusLine(const grpc::Status& status) {
  return absl::StrCat(StatusCodeName(static_cast<int>(status.error_code())), ": ",
                      status.error_message());
}

}  // namespace

bool IsRetryableStatus(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
      return true;
    case grpc::StatusCode::INTERNAL:
      // gRPC's report of a stream reset by the peer or a proxy ("Received RST_STREAM with error
      // code 2"); an INTERNAL from the server itself says nothing of the kind.
      return absl::StrContains(status.error_message(), "RST_STREAM");
    default:
      return false;
  }
}

ResumingCall::ResumingCall(const CallOptions& options, absl::string_view method)
    : options_(options),
      method_(method),
      policy_(*options.resume),
      deadline_(options.timeout.has_value() ? absl::Now() + *options.timeout
                                            : absl::InfiniteFuture()),
      backoff_(policy_.initial_backoff, policy_.max_backoff, RandomSeed()) {}

ClientCall& ResumingCall::NewAttempt() {
  attempt_.reset();  // Its channel first, so the new one cannot share its connection.
  attempt_ = std::make_unique<ClientCall>(options_, method_, Connection::kOwn);
  grpc::ClientContext& context = attempt_->context();
  if (deadline_ != absl::InfiniteFuture()) context.set_deadline(absl::ToChronoTime(deadline_));
  context.AddMetadata(kSessionKey, policy_.session_id);
  resuming_ = resume_next_;
  if (resuming_) context.AddMetadata(kResumeAfterKey, absl::StrCat(last_sequence_));
  resumed_after_ = last_sequence_;
  attempt_responses_ = 0;
  return *attempt_;
}

bool ResumingCall::Accept(const v1::InferResponse& response) {
  if (response.sequence() <= last_sequence_) return false;
  last_sequence_ = response.sequence();
  ++total_responses_;
  if (attempt_responses_++ == 0 && resuming_) {
    absl::FPrintF(stderr, "sluice: resumed session '%s' after response %d\n", policy_.session_id,
                  resumed_after_);
  }
  // The connection works again: a later loss starts the backoff over.
  backoff_.Reset();
  return true;
}

bool ResumingCall::ShouldReconnect(const grpc::Status& status) {
  if (resuming_ && total_responses_ == 0 && status.error_code() == grpc::StatusCode::NOT_FOUND) {
    // Nothing was ever received, so the first call may never have reached the server, which then
    // has no session to resume: open it again, at once. (A server that did open it holds it, and
    // the resume succeeds instead.)
    absl::FPrintF(stderr, "sluice: the server has no session '%s' yet; opening it\n",
                  policy_.session_id);
    resume_next_ = false;
    return true;
  }
  if (!IsRetryableStatus(status)) return false;
  if (backoff_.waits_in_a_row() >= policy_.max_retries) {
    gave_up_on_retries_ = true;
    return false;
  }
  const absl::Duration delay = backoff_.NextDelay();
  if (absl::Now() + delay >= deadline_) return false;  // DEADLINE_EXCEEDED would be all it got.
  absl::FPrintF(stderr,
                "sluice: connection lost (%s); resuming session '%s' after response %d in %.2f s "
                "(retry %d of %d)\n",
                StatusLine(status), policy_.session_id, last_sequence_,
                absl::ToDoubleSeconds(delay), backoff_.waits_in_a_row(), policy_.max_retries);
  absl::SleepFor(delay);
  resume_next_ = true;
  return true;
}

int ResumingCall::ReportEnd(const grpc::Status& status, uint64_t requests_sent) {
  if (gave_up_on_retries_) {
    absl::FPrintF(stderr,
                  "sluice: gave up on session '%s' after %d reconnects without a response\n",
                  policy_.session_id, policy_.max_retries);
  }
  return attempt_->ReportEnd(status, attempt_responses_, requests_sent);
}

}  // namespace sluice::cli
