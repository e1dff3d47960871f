// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// bare_async_echo_server: the ceiling of gRPC's other C++ API. A bare async
// (completion-queue) server for sluice.v1.Inference that answers exactly as
// bare_echo_server does (bench/bare_common.h): Stream and Infer echo, Generate
// streams a blob copied from memory and Ingest summarizes readings as the `sensors`
// model does. One completion queue per CPU it may run on, each drained by one
// thread; every call is a state machine driven by tagged events on its queue.

#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include "bench/bare_common.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::bench {
namespace {

using ::sluice::v1::InferRequest;
using ::sluice::v1::InferResponse;
using Service = ::sluice::v1::Inference::AsyncService;

// Responses waiting behind the single write in flight before a stream stops
// reading, as in bare_echo_server.
constexpr size_t kMaxPendingWrites = 64;
// Calls of each method requested ahead on each queue, so that a burst of new
// streams does not wait for one request at a time to be re-posted.
constexpr int kRequestsAhead = 4;

class Call;

// The tag of one kind of event of one call: what the queue hands back.
struct Tag {
  enum Op { kArrived, kRead, kWrite, kFinish };
  Call* call;
  Op op;
};

// One call, from its request to its end. Owns itself: it is created to request a
// call of its method and deletes itself when its last event (Finish, or a failed
// request at shutdown) comes back. Only the thread draining its queue touches it,
// so it needs no lock.
class Call {
 public:
  Call(Service& service, grpc::ServerCompletionQueue& cq) : service_(service), cq_(cq) {}
  virtual ~Call() = default;
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  // One event on this call; `ok` is the queue's verdict on the operation.
  virtual void Proceed(Tag::Op op, bool ok) = 0;

 protected:
  Service& service_;
  grpc::ServerCompletionQueue& cq_;
  grpc::ServerContext context_;
  Tag arrived_{this, Tag::kArrived};
  Tag read_{this, Tag::kRead};
  Tag write_{this, Tag::kWrite};
  Tag finish_{this, Tag::kFinish};
};

// Bidi Stream: echoes each request, with one read and one write in flight at once.
class StreamCall final : public Call {
 public:
  StreamCall(Service& service, grpc::ServerCompletionQueue& cq) : Call(service, cq) {
    service_.RequestStream(&context_, &stream_, &cq_, &cq_, &arrived_);
  }

  void Proceed(Tag::Op op, bool ok) override {
    switch (op) {
      case Tag::kArrived:
        if (!ok) {  // The server is shutting down.
          delete this;
          return;
        }
        new StreamCall(service_, cq_);  // Owns itself.
        StartRead();
        return;
      case Tag::kRead:
        read_in_flight_ = false;
        if (!ok) {
          reads_done_ = true;
        } else {
          InferResponse& response = outbox_.emplace_back();
          EchoInto(request_, ++next_sequence_, response);
          if (!write_in_flight_) StartWrite();
          if (PendingWrites() < kMaxPendingWrites) StartRead();
        }
        break;
      case Tag::kWrite:
        write_in_flight_ = false;
        outbox_.pop_front();
        if (!ok) {
          write_failed_ = true;
          outbox_.clear();
        } else if (!outbox_.empty()) {
          StartWrite();
        }
        if (!read_in_flight_ && !reads_done_ && !write_failed_ &&
            PendingWrites() < kMaxPendingWrites) {
          StartRead();  // Reading was paused on a full outbox.
        }
        break;
      case Tag::kFinish:
        delete this;
        return;
    }
    MaybeFinish();
  }

 private:
  size_t PendingWrites() const { return outbox_.size() - (write_in_flight_ ? 1 : 0); }

  void StartRead() {
    read_in_flight_ = true;
    stream_.Read(&request_, &read_);
  }

  // The front of a deque keeps its address while we push behind it.
  void StartWrite() {
    write_in_flight_ = true;
    stream_.Write(outbox_.front(), &write_);
  }

  // Finishes once no operation is in flight and either the client half-closed and
  // everything is written, or writing failed (the call is gone).
  void MaybeFinish() {
    if (finishing_ || read_in_flight_ || write_in_flight_) return;
    if (write_failed_) {
      finishing_ = true;
      stream_.Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "write to client failed"),
                     &finish_);
    } else if (reads_done_ && outbox_.empty()) {
      finishing_ = true;
      stream_.Finish(grpc::Status::OK, &finish_);
    }
  }

  grpc::ServerAsyncReaderWriter<InferResponse, InferRequest> stream_{&context_};
  InferRequest request_;  // Target of the one read in flight.
  uint64_t next_sequence_ = 0;
  std::deque<InferResponse> outbox_;  // The front is in flight when write_in_flight_.
  bool read_in_flight_ = false;
  bool write_in_flight_ = false;
  bool reads_done_ = false;
  bool write_failed_ = false;
  bool finishing_ = false;
};

// Unary Infer: the echo, then done.
class InferCall final : public Call {
 public:
  InferCall(Service& service, grpc::ServerCompletionQueue& cq) : Call(service, cq) {
    service_.RequestInfer(&context_, &request_, &responder_, &cq_, &cq_, &arrived_);
  }

  void Proceed(Tag::Op op, bool ok) override {
    if (op == Tag::kArrived && ok) {
      new InferCall(service_, cq_);  // Owns itself.
      EchoInto(request_, 1, response_);
      responder_.Finish(response_, grpc::Status::OK, &finish_);
      return;
    }
    delete this;  // Finished, or never arrived (shutdown).
  }

 private:
  grpc::ServerAsyncResponseWriter<InferResponse> responder_{&context_};
  InferRequest request_;
  InferResponse response_;
};

// Generate: the blob's chunks, one write in flight, the next chunk built while it
// is written; the last goes with the status.
class GenerateCall final : public Call {
 public:
  GenerateCall(Service& service, grpc::ServerCompletionQueue& cq) : Call(service, cq) {
    service_.RequestGenerate(&context_, &request_, &writer_, &cq_, &cq_, &arrived_);
  }

  void Proceed(Tag::Op op, bool ok) override {
    switch (op) {
      case Tag::kArrived: {
        if (!ok) {
          delete this;
          return;
        }
        new GenerateCall(service_, cq_);  // Owns itself.
        if (absl::Status started = chunks_.Start(request_); !started.ok()) {
          writer_.Finish(grpc::Status(static_cast<grpc::StatusCode>(started.code()),
                                      std::string(started.message())),
                         &finish_);
          return;
        }
        chunks_.Build(buffers_[0]);
        WriteBuilt();
        return;
      }
      case Tag::kWrite:
        if (!ok) {
          writer_.Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write to client failed"),
                         &finish_);
          return;
        }
        WriteBuilt();
        return;
      case Tag::kRead:
      case Tag::kFinish:
        break;
    }
    delete this;
  }

 private:
  // Writes the chunk built last and builds the next, unless it was the last.
  void WriteBuilt() {
    InferResponse& next = buffers_[built_];
    if (next.final()) {
      writer_.WriteAndFinish(next, grpc::WriteOptions(), grpc::Status::OK, &finish_);
      return;
    }
    writer_.Write(next, &write_);
    built_ ^= 1;
    chunks_.Build(buffers_[built_]);  // The other buffer: its write is done.
  }

  grpc::ServerAsyncWriter<InferResponse> writer_{&context_};
  InferRequest request_;
  BlobChunks chunks_;
  std::array<InferResponse, 2> buffers_;  // One being written, one built.
  int built_ = 0;                         // The built chunk not yet written.
};

// Ingest: summarizes the readings as the `sensors` model does (IngestAnswer), and
// answers once at half-close.
class IngestCall final : public Call {
 public:
  IngestCall(Service& service, grpc::ServerCompletionQueue& cq) : Call(service, cq) {
    service_.RequestIngest(&context_, &reader_, &cq_, &cq_, &arrived_);
  }

  void Proceed(Tag::Op op, bool ok) override {
    switch (op) {
      case Tag::kArrived:
        if (!ok) break;
        new IngestCall(service_, cq_);  // Owns itself.
        reader_.Read(&request_, &read_);
        return;
      case Tag::kRead:
        if (ok) {
          answer_.Add(request_, response_);
          reader_.Read(&request_, &read_);
          return;
        }
        answer_.Finish(response_);
        reader_.Finish(response_, grpc::Status::OK, &finish_);
        return;
      case Tag::kWrite:
      case Tag::kFinish:
        break;
    }
    delete this;
  }

 private:
  grpc::ServerAsyncReader<InferResponse, InferRequest> reader_{&context_};
  InferRequest request_;
  InferResponse response_;
  IngestAnswer answer_;
};

// Drains `cq` until it is shut down.
void Serve(grpc::ServerCompletionQueue* cq) {
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
    auto* event = static_cast<Tag*>(tag);
    event->call->Proceed(event->op, ok);
  }
}

int Run(int argc, char** argv) {
  const ListenArgs args = ParseListenArgs(argc, argv, "bare_async_echo_server");
  if (args.exit_code >= 0) return args.exit_code;
  const std::string& listen = args.address;

  const sigset_t stop_signals = BlockStopSignals();

  // One queue per CPU we may run on (the bench pins us with --server-cpu).
  cpu_set_t cpus;
  const int queues =
      sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ? std::max(CPU_COUNT(&cpus), 1) : 1;

  Service service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(kBareMaxMessageBytes);
  builder.SetMaxSendMessageSize(kBareMaxMessageBytes);
  builder.RegisterService(&service);
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> cqs;
  for (int i = 0; i < queues; ++i) cqs.push_back(builder.AddCompletionQueue());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "bare_async_echo_server: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  for (const auto& cq : cqs) {
    for (int i = 0; i < kRequestsAhead; ++i) {
      new StreamCall(service, *cq);  // Each owns itself.
      new InferCall(service, *cq);
      new GenerateCall(service, *cq);
      new IngestCall(service, *cq);
    }
  }
  std::vector<std::thread> threads;
  for (const auto& cq : cqs) threads.emplace_back(Serve, cq.get());
  std::printf("bare_async_echo_server listening on %s:%d\n",
              listen.substr(0, listen.rfind(':')).c_str(), port);
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  // Cancels the calls still open. The queues are not shut down and drained: a call
  // whose operation fails would start its Finish on a queue already shut down, which
  // gRPC aborts on. Nothing outlives the process, so it exits here.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  std::fflush(stdout);
  std::_Exit(0);
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) {
  // As sluiced does (engine/exe/main.cc): Debian's abseil leaves absl::Mutex's
  // deadlock detector on, and gRPC's own mutexes pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return sluice::bench::Run(argc, argv);
}
