// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// bare_echo_server: the transport's ceiling. A bare gRPC callback-API server for
// sluice.v1.Inference that echoes each request, with no actors, no metrics and only
// the queueing gRPC forces on us (one write in flight), so that sluice_stream_bench
// can report how much of that ceiling sluiced keeps.

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::bench {
namespace {

using ::sluice::v1::InferRequest;
using ::sluice::v1::InferResponse;

constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

// Responses waiting behind the single in-flight write. Reading pauses at this depth,
// so a client that does not read its responses cannot grow our memory without bound;
// HTTP/2 flow control then pushes back on it.
constexpr size_t kMaxPendingWrites = 64;

// Fills `response` as the echo of `request`. Moves the strings out of `request`
// rather than copying them; the caller reuses `request` for the next read.
void EchoInto(InferRequest& request, uint64_t response_sequence, InferResponse& response) {
  response.set_stream_id(std::move(*request.mutable_stream_id()));
  response.set_sequence(response_sequence);
  response.set_request_sequence(request.sequence());
  response.set_model(std::move(*request.mutable_model()));
  response.set_payload(std::move(*request.mutable_payload()));
  response.set_final(true);
}

// One bidi Stream call. gRPC owns it: Stream() returns it with `new` and OnDone()
// deletes it. Reactions may run concurrently on gRPC's callback threads (a read and
// a write complete independently), so the write state lives under `mu_`; the read
// side (`request_`, `next_sequence_`) is touched only by the one read in flight.
class EchoStreamReactor final : public grpc::ServerBidiReactor<InferRequest, InferResponse> {
 public:
  EchoStreamReactor() { StartRead(&request_); }

  // Reaction: echoes one request, writing it now if no write is in flight.
  void OnReadDone(bool ok) override {
    if (!ok) {  // The client half-closed, or the call broke (then OnCancel follows).
      std::optional<grpc::Status> finish;
      {
        absl::MutexLock lock(&mu_);
        reads_done_ = true;
        finish = TakeFinishLocked();
      }
      if (finish) Finish(*std::move(finish));
      return;
    }
    InferResponse response;
    EchoInto(request_, ++next_sequence_, response);

    const InferResponse* write_now = nullptr;
    bool read_next = false;
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_ || write_failed_) return;  // Nobody will read it; stop reading too.
      outbox_.push_back(std::move(response));
      if (!write_in_flight_) {
        write_in_flight_ = true;
        write_now = &outbox_.front();
      }
      read_next = PendingWritesLocked() < kMaxPendingWrites;
      read_paused_ = !read_next;
    }
    // The message at the front of a deque keeps its address while we push behind
    // it, and only OnWriteDone (after this write completes) pops it.
    if (write_now != nullptr) StartWrite(write_now);
    if (read_next) StartRead(&request_);
  }

  // Reaction: retires the finished write and starts the next one, resuming reads
  // if they were paused on a full outbox.
  void OnWriteDone(bool ok) override {
    const InferResponse* write_now = nullptr;
    bool read_next = false;
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      outbox_.pop_front();
      if (!ok) write_failed_ = true;
      if (cancelled_ || write_failed_) {
        outbox_.clear();
      } else if (!outbox_.empty()) {
        write_now = &outbox_.front();
      }
      write_in_flight_ = write_now != nullptr;
      if (read_paused_ && !cancelled_ && !write_failed_ &&
          PendingWritesLocked() < kMaxPendingWrites) {
        read_paused_ = false;
        read_next = true;
      }
      finish = TakeFinishLocked();
    }
    if (write_now != nullptr) StartWrite(write_now);
    if (read_next) StartRead(&request_);
    if (finish) Finish(*std::move(finish));
  }

  // Reaction: the client went away or the deadline passed. Finish once, but not
  // while a write is in flight: OnWriteDone(false) will follow and finish then.
  void OnCancel() override {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      finish = TakeFinishLocked();
    }
    if (finish) Finish(*std::move(finish));
  }

  // Reaction: the last one gRPC makes; nothing touches this reactor afterwards.
  void OnDone() override {
    delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's reactor lifetime.
  }

 private:
  size_t PendingWritesLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return outbox_.size() - (write_in_flight_ ? 1 : 0);
  }

  // Returns the status to Finish with if the call is ready to finish now, and
  // records that it has been finished, so that Finish runs exactly once.
  std::optional<grpc::Status> TakeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || write_in_flight_) return std::nullopt;
    if (cancelled_) {
      finished_ = true;
      return grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled");
    }
    if (write_failed_) {
      finished_ = true;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "write to client failed");
    }
    if (reads_done_ && outbox_.empty()) {
      finished_ = true;
      return grpc::Status::OK;
    }
    return std::nullopt;
  }

  InferRequest request_;        // Target of the one read in flight.
  uint64_t next_sequence_ = 0;  // Last response sequence handed out; read side only.

  absl::Mutex mu_;
  // The front element is the write in flight when write_in_flight_ is set.
  std::deque<InferResponse> outbox_ ABSL_GUARDED_BY(mu_);
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool read_paused_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

// The service. The server owns nothing of it; main() owns it and outlives the
// server. gRPC calls its methods on any of its threads, and it keeps no state.
class BareEchoService final : public ::sluice::v1::Inference::CallbackService {
 public:
  // Keep the generated synchronous overloads visible (-Woverloaded-virtual).
  using ::sluice::v1::Inference::CallbackService::Infer;
  using ::sluice::v1::Inference::CallbackService::Stream;

  grpc::ServerBidiReactor<InferRequest, InferResponse>* Stream(
      grpc::CallbackServerContext* /*context*/) override {
    return new EchoStreamReactor();  // Deleted by its own OnDone().
  }

  grpc::ServerUnaryReactor* Infer(grpc::CallbackServerContext* context, const InferRequest* request,
                                  InferResponse* response) override {
    InferRequest copy = *request;
    EchoInto(copy, 1, *response);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

void PrintUsage() {
  std::fprintf(stderr,
               "usage: bare_echo_server [--listen HOST:PORT]\n"
               "  --listen HOST:PORT  address to serve on (default 127.0.0.1:0, a free port)\n"
               "Prints 'bare_echo_server listening on HOST:PORT' once started; exits 0 on\n"
               "SIGINT or SIGTERM.\n");
}

int Run(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      listen = argv[++i];
    } else if (arg.rfind("--listen=", 0) == 0) {
      listen = arg.substr(sizeof("--listen=") - 1);
    } else {
      PrintUsage();
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
  }
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "bare_echo_server: --listen wants HOST:PORT, got '%s'\n", listen.c_str());
    return 2;
  }

  // Block the stop signals before gRPC starts its threads, which inherit the mask,
  // so that only sigwait() below ever sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  BareEchoService service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "bare_echo_server: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::printf("bare_echo_server listening on %s:%d\n", listen.substr(0, colon).c_str(), port);
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  return 0;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) { return sluice::bench::Run(argc, argv); }
