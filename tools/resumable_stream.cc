// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice session --resume`: Stream calls in one resumable session. An input thread turns stdin
// lines into requests in a RequestJournal; each call has a writer thread that sends the journal's
// unanswered requests and then the new ones, while the main thread prints responses, marks
// requests answered and, when a call is lost, starts the next one.

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <grpcpp/support/sync_stream.h>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "tools/client_channel.h"
#include "tools/line_reader.h"
#include "tools/request_journal.h"
#include "tools/response_printer.h"
#include "tools/resumable_calls.h"
#include "tools/resuming_call.h"

namespace sluice::cli {
namespace {

using StreamRpc = grpc::ClientReaderWriter<v1::InferRequest, v1::InferResponse>;

// As in bidi_stream.cc: once no more responses can arrive on a call, how long its writer may take
// to notice before the call is cancelled to unblock a Write stuck on flow control.
constexpr absl::Duration kWriterGracePeriod = absl::Seconds(2);

// Requests kept for re-sending at most; reading stdin waits beyond that. Generous for a person
// typing, and a bound for a piped file (a model that never answers with a final response stalls
// the input here).
constexpr size_t kMaxUnansweredRequests = 1024;

constexpr char kPromptMarker[] = "> ";

void ShowPromptMarker() {
  std::fputs(kPromptMarker, stderr);
  std::fflush(stderr);
}

// Input thread body: each line of `lines` becomes a request (a copy of `base` with the line as its
// payload) in the journal, until the input ends or the session does.
void ReadRequests(const v1::InferRequest& base, LineReader* lines, RequestJournal* journal) {
  std::string line;
  while (true) {
    switch (lines->Next(&line)) {
      case LineReader::Result::kLine: {
        v1::InferRequest request = base;
        request.set_payload(std::move(line));
        if (!journal->Add(std::move(request))) return;
        break;
      }
      case LineReader::Result::kEndOfInput:
      case LineReader::Result::kCancelled:
        journal->EndInput(absl::OkStatus());
        return;
      case LineReader::Result::kError:
        journal->EndInput(absl::ErrnoToStatus(errno, "cannot read stdin"));
        return;
    }
  }
}

// Writer thread body for one call: sends the journal's unanswered requests in order, from the
// first the server is not known to have, then half-closes when the input has ended. A failed Write
// means the call is over; its status says why. A failed input cancels the call, so the main thread
// stops too.
void WriteRequests(RequestJournal* journal, StreamRpc* stream, grpc::ClientContext* context) {
  uint64_t sent = journal->heard_through();
  v1::InferRequest request;
  while (true) {
    switch (journal->NextToSend(sent, &request)) {
      case RequestJournal::Next::kStopped:
        return;
      case RequestJournal::Next::kInputEnded:
        if (!journal->input_status().ok()) {
          context->TryCancel();
        } else {
          // The result is ignored for the same reason as a failed Write's.
          stream->WritesDone();
        }
        return;
      case RequestJournal::Next::kRequest:
        sent = request.sequence();
        if (!stream->Write(request)) return;
        break;
    }
  }
}

}  // namespace

int RunResumableStream(const StreamOptions& options) {
  RequestJournal journal(kMaxUnansweredRequests);
  const v1::InferRequest base = MakeRequest(options.call);
  LineReaderPtr stdin_lines;
  std::thread input;
  if (options.prompt.has_value()) {
    v1::InferRequest request = base;
    request.set_payload(*options.prompt);
    // Cannot fail: the journal is open and has room.
    [[maybe_unused]] bool added = journal.Add(std::move(request));
    journal.EndInput(absl::OkStatus());
  } else {
    absl::StatusOr<LineReaderPtr> reader = LineReader::ForStdin();
    if (!reader.ok()) return ReportLocalFailure(reader.status());
    stdin_lines = *std::move(reader);
    input = std::thread([&] { ReadRequests(base, stdin_lines.get(), &journal); });
  }

  ResumingCall session(options.call, "Stream");
  ResponsePrinter printer(options.call.output, stdout, stderr);
  absl::Status output_status;
  grpc::Status status;
  if (options.prompt_marker) ShowPromptMarker();
  while (true) {
    ClientCall& call = session.NewAttempt();
    std::unique_ptr<StreamRpc> stream = call.stub().Stream(&call.context());
    journal.StartWriter();
    absl::Notification writer_done;
    std::thread writer([&] {
      WriteRequests(&journal, stream.get(), &call.context());
      writer_done.Notify();
    });
    v1::InferResponse response;
    while (stream->Read(&response)) {
      if (!session.Accept(response)) continue;
      journal.Heard(response.request_sequence());
      if (!printer.Print(response)) {
        output_status = StdoutWriteError();
        call.context().TryCancel();
        break;
      }
      if (response.final() || response.has_error()) {
        journal.Answer(response.request_sequence());
        // A request is answered: the next line is wanted (unless input already ended).
        if (options.prompt_marker && !journal.input_ended()) ShowPromptMarker();
      }
    }
    // No more responses can arrive on this call, so nothing more is worth sending on it.
    journal.StopWriter();
    if (!writer_done.WaitForNotificationWithTimeout(kWriterGracePeriod)) {
      call.context().TryCancel();
    }
    writer.join();
    status = stream->Finish();
    stream.reset();
    if (!output_status.ok() || !journal.input_status().ok() || status.ok()) break;
    if (!session.ShouldReconnect(status)) break;
  }
  if (output_status.ok() && !printer.Finish()) output_status = StdoutWriteError();

  // The session is over: stop reading stdin, wherever the input thread waits.
  if (stdin_lines != nullptr) stdin_lines->Cancel();
  journal.Close();
  if (input.joinable()) input.join();
  // The prompt marker left the cursor mid-line on the terminal.
  if (options.prompt_marker) std::fputs("\n", stderr);

  for (const absl::Status& local : {journal.input_status(), output_status}) {
    if (!local.ok()) return ReportLocalFailure(local);
  }
  return session.ReportEnd(status);
}

}  // namespace sluice::cli
