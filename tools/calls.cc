// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the Infer, Generate and Ingest calls of `sluice` (see calls.h).

#include "tools/calls.h"

#include <memory>

#include <grpcpp/support/sync_stream.h>

#include "tools/client_channel.h"
#include "tools/command.h"

namespace sluice::cli {

int RunInfer(const CallOptions& options, const v1::InferRequest& request,
             v1::InferResponse* answer) {
  ClientCall call(options, "Infer");
  grpc::Status status = AnswerStatus(call.stub().Infer(&call.context(), request, answer), *answer);
  return call.ReportEnd(status, 0);
}

GenerateOutcome CallGenerate(ClientCall& call, const v1::InferRequest& request,
                             OnGenerateResponse on_response) {
  std::unique_ptr<grpc::ClientReader<v1::InferResponse>> reader =
      call.stub().Generate(&call.context(), request);
  GenerateOutcome outcome;
  grpc::Status answer_error;
  v1::InferResponse response;
  while (reader->Read(&response)) {
    ++outcome.responses;
    if (response.has_error()) {
      // The call's one request failed: nothing more will come for it.
      answer_error = AnswerStatus(grpc::Status::OK, response);
      outcome.error_response = true;
      call.context().TryCancel();
      break;
    }
    absl::StatusOr<NextStep> next = on_response(response);
    if (!next.ok() || *next == NextStep::kStop) {
      outcome.local = next.status();
      outcome.stopped = true;
      call.context().TryCancel();
      break;
    }
  }
  outcome.status = reader->Finish();
  if (outcome.error_response) outcome.status = answer_error;
  return outcome;
}

int RunGenerate(const CallOptions& options, const v1::InferRequest& request,
                OnGenerateResponse on_response, const std::function<void()>& end_line) {
  ClientCall call(options, "Generate");
  const GenerateOutcome outcome = CallGenerate(call, request, on_response);
  // After a stop, the CANCELLED status is our own doing.
  if (outcome.stopped && outcome.local.ok()) return kExitOk;
  if (end_line && (!outcome.local.ok() || !outcome.status.ok())) end_line();
  if (!outcome.local.ok()) return ReportLocalFailure(outcome.local);
  return call.ReportEnd(outcome.status, outcome.responses);
}

int RunIngest(const CallOptions& options, NextRequest next, v1::InferResponse* answer,
              uint64_t* requests_sent, const std::function<void()>& end_line) {
  *requests_sent = 0;
  ClientCall call(options, "Ingest");
  std::unique_ptr<grpc::ClientWriter<v1::InferRequest>> writer =
      call.stub().Ingest(&call.context(), answer);
  const v1::InferRequest base = MakeRequest(options);
  v1::InferRequest request;
  absl::Status local;
  while (true) {
    request = base;
    request.set_sequence(*requests_sent + 1);
    absl::StatusOr<bool> more = next(&request);
    if (!more.ok()) {
      local = more.status();
      call.context().TryCancel();
      break;
    }
    if (!*more) {
      // The result is ignored: a failed half-close means the call is over, and Finish says why.
      writer->WritesDone();
      break;
    }
    // A failed Write means the server ended the call; Finish says why.
    if (!writer->Write(request)) break;
    ++*requests_sent;
  }
  grpc::Status status = AnswerStatus(writer->Finish(), *answer);
  if (end_line && (!local.ok() || !status.ok())) end_line();
  if (!local.ok()) return ReportLocalFailure(local);
  return call.ReportEnd(status, 0, *requests_sent);
}

}  // namespace sluice::cli
