// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice generate --resume`: Generate calls in one resumable session until one of them ends it.

#include "tools/command.h"
#include "tools/resumable_calls.h"
#include "tools/resuming_call.h"

namespace sluice::cli {

int RunResumableGenerate(const CallOptions& options, const v1::InferRequest& request,
                         OnGenerateResponse on_response, const std::function<void()>& end_line) {
  ResumingCall session(options, "Generate");
  // A resumed Generate must carry a request too; the server ignores it and goes on with the
  // session's own.
  auto on_new_response = [&](const v1::InferResponse& response) -> absl::StatusOr<NextStep> {
    if (!session.Accept(response)) return NextStep::kContinue;
    return on_response(response);
  };
  while (true) {
    const GenerateOutcome outcome = CallGenerate(session.NewAttempt(), request, on_new_response);
    // After a stop, the CANCELLED status is our own doing.
    if (outcome.stopped && outcome.local.ok()) return kExitOk;
    if (outcome.local.ok() && outcome.status.ok()) return kExitOk;
    // An error response is the request's answer, not a lost connection, whatever its code.
    if (outcome.local.ok() && !outcome.error_response && session.ShouldReconnect(outcome.status)) {
      continue;
    }
    if (end_line) end_line();
    if (!outcome.local.ok()) return ReportLocalFailure(outcome.local);
    return session.ReportEnd(outcome.status);
  }
}

}  // namespace sluice::cli
