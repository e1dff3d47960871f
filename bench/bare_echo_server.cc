// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// bare_echo_server: the transport's ceiling. A bare gRPC callback-API server for
// sluice.v1.Inference with no actors, no metrics and only the queueing gRPC forces on
// us (one write in flight): Stream and Infer echo, Generate streams a blob copied from
// memory and Ingest summarizes readings as the `sensors` model does.
// sluice_stream_bench reports how much of that ceiling sluiced keeps.
//
// With --handoff, Infer answers on a thread of its own pool instead of the gRPC
// callback thread: the ceiling of any server whose handlers never run on gRPC's
// threads, as sluiced's models never do (sluice_stream_bench's bare-handoff).

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <absl/base/thread_annotations.h>
#include <absl/status/status.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>
#include <boost/asio/post.hpp>

#include "actors/scheduler.h"
#include "bench/bare_common.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::bench {
namespace {

using ::sluice::v1::InferRequest;
using ::sluice::v1::InferResponse;

// Responses waiting behind the single in-flight write. Reading pauses at this depth,
// so a client that does not read its responses cannot grow our memory without bound;
// HTTP/2 flow control then pushes back on it.
constexpr size_t kMaxPendingWrites = 64;

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

// One Generate call: the chunks of BlobChunks (bare_common.h), each copied once from
// a shared buffer and hashed with SHA-256, as the `blob` model hashes what it sends;
// the last chunk carries the digest and final=true. gRPC owns the reactor
// (deleted in OnDone). One write is in flight at a time, and the next chunk is built
// while it is written, so OnWriteDone() may run on another thread while the build is
// still going: `mu_` hands the next write to whichever of the two finishes last.
class BlobWriteReactor final : public grpc::ServerWriteReactor<InferResponse> {
 public:
  explicit BlobWriteReactor(const InferRequest& request) {
    if (absl::Status started = chunks_.Start(request); !started.ok()) {
      Finish(grpc::Status(static_cast<grpc::StatusCode>(started.code()),
                          std::string(started.message())));
      return;
    }
    chunks_.Build(buffers_[0]);
    WriteBuilt();
  }

  // Reaction: the chunk in flight is sent; write the next once it is built.
  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      if (!ok) write_failed_ = true;
      if (building_) {  // WriteBuilt() continues when the build ends.
        write_done_early_ = true;
        return;
      }
    }
    WriteBuilt();
  }

  void OnDone() override {
    delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's reactor lifetime.
  }

 private:
  // Writes the chunk built last, and builds the next one while it is written. Runs
  // when no write is in flight and no build is going.
  void WriteBuilt() ABSL_LOCKS_EXCLUDED(mu_) {
    while (true) {
      InferResponse* next = nullptr;
      InferResponse* to_build = nullptr;
      {
        absl::MutexLock lock(&mu_);
        if (write_failed_) break;
        next = &buffers_[built_];
        built_ ^= 1;
        to_build = &buffers_[built_];  // The other buffer: its write is done.
        building_ = !next->final();
      }
      if (next->final()) {
        StartWriteAndFinish(next, grpc::WriteOptions(), grpc::Status::OK);
        return;
      }
      StartWrite(next);
      chunks_.Build(*to_build);
      absl::MutexLock lock(&mu_);
      building_ = false;
      if (!write_done_early_) return;  // OnWriteDone() will call us.
      write_done_early_ = false;
    }
    // The client went away; no write is in flight now.
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write to client failed"));
  }

  BlobChunks chunks_;
  // Two chunks: one being written (gRPC reads it until OnWriteDone), one built.
  std::array<InferResponse, 2> buffers_;

  absl::Mutex mu_;
  int built_ ABSL_GUARDED_BY(mu_) = 0;  // Index of the built chunk not yet written.
  bool building_ ABSL_GUARDED_BY(mu_) = false;
  bool write_done_early_ ABSL_GUARDED_BY(mu_) = false;  // OnWriteDone() came mid-build.
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
};

// One Ingest call: each reading goes to IngestAnswer (bare_common.h), which parses
// and summarizes it as the `sensors` model does, and the answer goes at the
// client's half-close. gRPC owns the reactor (deleted in OnDone). One read is
// always in flight until the last, so the reactions never overlap.
class IngestReadReactor final : public grpc::ServerReadReactor<InferRequest> {
 public:
  IngestReadReactor(grpc::CallbackServerContext* context, InferResponse* response)
      : context_(context), response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (ok) {
      answer_.Add(request_, *response_);
      StartRead(&request_);
      return;
    }
    if (context_->IsCancelled()) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled"));
      return;
    }
    answer_.Finish(*response_);
    Finish(grpc::Status::OK);
  }

  void OnDone() override {
    delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's reactor lifetime.
  }

 private:
  grpc::CallbackServerContext* const context_;
  InferResponse* const response_;  // gRPC's, sent by Finish.
  InferRequest request_;           // Target of the one read in flight.
  IngestAnswer answer_;
};

// Answers one Infer call: the echo of `request`, then Finish.
void AnswerInfer(const InferRequest& request, InferResponse& response,
                 grpc::ServerUnaryReactor& reactor) {
  InferRequest copy = request;
  EchoInto(copy, 1, response);
  reactor.Finish(grpc::Status::OK);
}

// The service. The server owns nothing of it; main() owns it and outlives the
// server. gRPC calls its methods on any of its threads, and it keeps no state.
class BareEchoService final : public ::sluice::v1::Inference::CallbackService {
 public:
  // `handoff`: the pool Infer answers on, or null to answer in the callback. It
  // must outlive the server's calls.
  explicit BareEchoService(actors::AsioScheduler* handoff) : handoff_(handoff) {}

  // Keep the generated synchronous overloads visible (-Woverloaded-virtual).
  using ::sluice::v1::Inference::CallbackService::Generate;
  using ::sluice::v1::Inference::CallbackService::Infer;
  using ::sluice::v1::Inference::CallbackService::Ingest;
  using ::sluice::v1::Inference::CallbackService::Stream;

  grpc::ServerBidiReactor<InferRequest, InferResponse>* Stream(
      grpc::CallbackServerContext* /*context*/) override {
    return new EchoStreamReactor();  // Deleted by its own OnDone().
  }

  grpc::ServerUnaryReactor* Infer(grpc::CallbackServerContext* context, const InferRequest* request,
                                  InferResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (handoff_ == nullptr) {
      AnswerInfer(*request, *response, *reactor);
    } else {
      // The least a server that answers off gRPC's threads does: one post to a
      // pool thread. `request` and `response` are gRPC's and stay valid until
      // the reactor's OnDone, which follows the Finish.
      boost::asio::post(handoff_->executor(), [request, response, reactor] {
        AnswerInfer(*request, *response, *reactor);
      });
    }
    return reactor;
  }

  grpc::ServerWriteReactor<InferResponse>* Generate(grpc::CallbackServerContext* /*context*/,
                                                    const InferRequest* request) override {
    return new BlobWriteReactor(*request);  // Deleted by its own OnDone().
  }

  grpc::ServerReadReactor<InferRequest>* Ingest(grpc::CallbackServerContext* context,
                                                InferResponse* response) override {
    return new IngestReadReactor(context, response);  // Deleted by its own OnDone().
  }

 private:
  actors::AsioScheduler* const handoff_;
};

int Run(int argc, char** argv) {
  const ListenArgs args = ParseListenArgs(
      argc, argv, "bare_echo_server",
      "  --handoff           answer Infer on a pool thread, not in the gRPC callback: a\n"
      "                      Boost.Asio pool of one thread per core under SCHED_BATCH,\n"
      "                      as sluiced's stream pool by default\n");
  if (args.exit_code >= 0) return args.exit_code;
  const std::string& listen = args.address;

  const sigset_t stop_signals = BlockStopSignals();

  // Declared before the server, so it outlives the calls that post to it.
  std::optional<actors::AsioScheduler> handoff;
  if (args.handoff) {
    handoff.emplace(std::max(1u, std::thread::hardware_concurrency()),
                    actors::ThreadPolicy::kBatch);
  }
  BareEchoService service(handoff ? &*handoff : nullptr);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(kBareMaxMessageBytes);
  builder.SetMaxSendMessageSize(kBareMaxMessageBytes);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "bare_echo_server: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::printf("bare_echo_server listening on %s:%d\n", listen.substr(0, listen.rfind(':')).c_str(),
              port);
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  return 0;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) {
  // As sluiced does (engine/exe/main.cc): Debian's abseil leaves absl::Mutex's
  // deadlock detector on, and gRPC's own mutexes pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return sluice::bench::Run(argc, argv);
}
