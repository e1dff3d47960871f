// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The Stream call on the synchronous gRPC client API: a writer thread sends requests (and is the
// only thread that can block on a server that stops reading), while the main thread reads and
// prints responses, then collects the final status.

#include "tools/bidi_stream.h"

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
#include "sluice/v1/inference.grpc.pb.h"
#include "tools/client_channel.h"
#include "tools/line_reader.h"
#include "tools/response_printer.h"

namespace sluice::cli {
namespace {

using StreamRpc = grpc::ClientReaderWriter<v1::InferRequest, v1::InferResponse>;

// How long the main thread waits, once no more responses can arrive, for the writer thread to
// notice. A Write blocked on flow control normally fails as soon as the call ends; cancelling
// after this grace period makes sure it does even if it would not.
constexpr absl::Duration kWriterGracePeriod = absl::Seconds(2);

constexpr char kPromptMarker[] = "> ";

// Writer thread body: sends the prompt or each stdin line, then half-closes. Returns an error
// only for a local failure (reading stdin); a failed Write means the call is over, and the final
// status explains why. On a local failure it cancels the call so the main thread stops too.
absl::Status WriteRequests(const StreamOptions& options, LineReader* stdin_lines, StreamRpc* stream,
                           grpc::ClientContext* context) {
  // Every request repeats model, version, parameters and stream_id: the contract allows repeating
  // the model, and it keeps each request self-describing in server logs.
  v1::InferRequest request = MakeRequest(options.call);
  uint64_t sequence = 0;
  auto send = [&](std::string payload) {
    request.set_sequence(++sequence);
    request.set_payload(std::move(payload));
    return stream->Write(request);
  };

  if (options.prompt.has_value()) {
    if (!send(*options.prompt)) return absl::OkStatus();
  } else {
    std::string line;
    while (true) {
      LineReader::Result result = stdin_lines->Next(&line);
      if (result == LineReader::Result::kLine) {
        if (!send(std::move(line))) return absl::OkStatus();
        continue;
      }
      if (result == LineReader::Result::kCancelled) return absl::OkStatus();
      if (result == LineReader::Result::kError) {
        absl::Status error = absl::ErrnoToStatus(errno, "cannot read stdin");
        context->TryCancel();
        return error;
      }
      break;  // kEndOfInput.
    }
  }
  // The result is ignored for the same reason as a failed Write's.
  stream->WritesDone();
  return absl::OkStatus();
}

void ShowPromptMarker() {
  std::fputs(kPromptMarker, stderr);
  std::fflush(stderr);
}

}  // namespace

int RunBidiStream(const StreamOptions& options) {
  LineReaderPtr stdin_lines;
  if (!options.prompt.has_value()) {
    absl::StatusOr<LineReaderPtr> reader = LineReader::ForStdin();
    if (!reader.ok()) return ReportLocalFailure(reader.status());
    stdin_lines = *std::move(reader);
  }

  ClientCall call(options.call, "Stream");
  std::unique_ptr<StreamRpc> stream = call.stub().Stream(&call.context());

  if (options.prompt_marker) ShowPromptMarker();
  // Written by the writer thread before Notify() and read by this thread after join().
  absl::Status writer_status;
  absl::Notification writer_done;
  std::thread writer([&] {
    writer_status = WriteRequests(options, stdin_lines.get(), stream.get(), &call.context());
    writer_done.Notify();
  });

  ResponsePrinter printer(options.call.output, stdout, stderr);
  absl::Status output_status;
  uint64_t responses = 0;
  v1::InferResponse response;
  while (stream->Read(&response)) {
    ++responses;
    if (!printer.Print(response)) {
      output_status = StdoutWriteError();
      call.context().TryCancel();
      break;
    }
    // A request is answered: the next line is wanted (unless input already ended).
    if (options.prompt_marker && response.final() && !writer_done.HasBeenNotified()) {
      ShowPromptMarker();
    }
  }
  if (output_status.ok() && !printer.Finish()) {
    output_status = StdoutWriteError();
  }

  // No more responses can arrive, so nothing more is worth sending: wake a writer waiting for
  // stdin, and cancel one still stuck in Write after the grace period.
  if (stdin_lines != nullptr) stdin_lines->Cancel();
  if (!writer_done.WaitForNotificationWithTimeout(kWriterGracePeriod)) call.context().TryCancel();
  writer.join();
  grpc::Status status = stream->Finish();
  // The prompt marker left the cursor mid-line on the terminal.
  if (options.prompt_marker) std::fputs("\n", stderr);

  for (const absl::Status& local : {writer_status, output_status}) {
    if (!local.ok()) return ReportLocalFailure(local);
  }
  return call.ReportEnd(status, responses);
}

}  // namespace sluice::cli
