// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ResumingCall: the client side of one resumable session (docs/resilience.md) for `sluice
// generate --resume` and `sluice session --resume`: the calls it makes, the session metadata each
// carries, the last response sequence received, and after a lost call the choice between
// reconnecting with backoff and giving up.

#pragma once

#include <cstdint>
#include <memory>

#include <grpcpp/support/status.h>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sluice/v1/inference.pb.h"
#include "tools/call_options.h"
#include "tools/client_channel.h"
#include "tools/reconnect_backoff.h"
#include "tools/resume_policy.h"

namespace sluice::cli {

// Whether a call that ended with `status` lost its connection, so that the same session may be
// resumed on a new one: UNAVAILABLE, CANCELLED (when this client did not cancel it) and the
// INTERNAL "RST_STREAM" of a stream reset under it. Everything else is the server's answer.
bool IsRetryableStatus(const grpc::Status& status);

// One resumable session, over as many calls (attempts) as it takes. Each attempt is a new
// ClientCall on a connection of its own, carrying `sluice-session: <id>`; every attempt after the
// first also carries `sluice-resume-after: <last response sequence received>`, so the server
// replays exactly what was missed. The --timeout deadline covers all attempts together.
// Owned by the command, on its stack; used from the main thread only (attempt().context()'s
// TryCancel() excepted, as for ClientCall).
class ResumingCall {
 public:
  // `options.resume` must be set. `method` is "Generate" or "Stream".
  ResumingCall(const CallOptions& options, absl::string_view method);

  // Starts the next attempt, ending the previous one's channel: the caller must have finished
  // and destroyed that attempt's call object.
  ClientCall& NewAttempt();
  ClientCall& attempt() { return *attempt_; }

  // Records a response of the current attempt. Returns false for one received before (the server
  // replays only what follows the resume point, so this is a safeguard), which the caller must
  // neither print nor act on.
  [[nodiscard]] bool Accept(const v1::InferResponse& response);

  // After the current attempt ended with a non-OK `status` that this client did not cause:
  // returns true once it is time to reconnect (a note on stderr says so, and the backoff has been
  // slept), false to give up, after which the caller reports with ReportEnd(). It gives up on a
  // status that is not retryable, after max_retries reconnects in a row brought no response, and
  // when the deadline leaves no time for a wait.
  [[nodiscard]] bool ShouldReconnect(const grpc::Status& status);

  // Like ClientCall::ReportEnd for the current attempt; says first if retries ran out.
  int ReportEnd(const grpc::Status& status, uint64_t requests_sent = 0);

  const std::string& session_id() const { return policy_.session_id; }
  uint64_t last_sequence() const { return last_sequence_; }

 private:
  const CallOptions& options_;
  const absl::string_view method_;
  const ResumePolicy& policy_;
  const absl::Time deadline_;
  ReconnectBackoff backoff_;
  std::unique_ptr<ClientCall> attempt_;
  // The next attempt resumes (rather than opens) the session.
  bool resume_next_ = false;
  bool resuming_ = false;
  bool gave_up_on_retries_ = false;
  uint64_t last_sequence_ = 0;
  // last_sequence_ when the current attempt started.
  uint64_t resumed_after_ = 0;
  uint64_t attempt_responses_ = 0;
  uint64_t total_responses_ = 0;
};

}  // namespace sluice::cli
