// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "tests/integration/kind_herd.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sluice::testing {

using v1::InferRequest;
using v1::InferResponse;

// One call: records how it ended. Subclasses drive one RPC kind.
class KindHerd::Call {
 public:
  explicit Call(RpcKind kind) { result_.kind = kind; }
  virtual ~Call() = default;

  virtual void HalfClose() {}
  void Cancel() { context_.TryCancel(); }

  Result Wait() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
    return result_;
  }

 protected:
  // Reactions only: responses arrive one at a time, before Done().
  void Received(const InferResponse& response) { responses_.push_back(response); }
  void Done(const grpc::Status& status) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    result_.status = status;
    result_.responses = std::move(responses_);
    done_ = true;
  }

  grpc::ClientContext context_;

 private:
  std::vector<InferResponse> responses_;
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  Result result_ ABSL_GUARDED_BY(mu_);
};

namespace {

InferRequest Request(const std::string& model, const std::string& payload) {
  InferRequest request;
  request.set_model(model);
  request.set_payload(payload);
  return request;
}

class InferCall final : public KindHerd::Call {
 public:
  InferCall(v1::Inference::Stub& stub, InferRequest request)
      : Call(RpcKind::kUnary), request_(std::move(request)) {
    stub.async()->Infer(&context_, &request_, &response_, [this](grpc::Status status) {
      if (status.ok()) Received(response_);
      Done(status);
    });
  }

 private:
  InferRequest request_;
  InferResponse response_;
};

class GenerateCall final : public KindHerd::Call, public grpc::ClientReadReactor<InferResponse> {
 public:
  GenerateCall(v1::Inference::Stub& stub, InferRequest request)
      : Call(RpcKind::kServerStreaming), request_(std::move(request)) {
    stub.async()->Generate(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    Received(response_);
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override { Done(status); }

 private:
  InferRequest request_;
  InferResponse response_;
};

// Writes its requests one at a time, and half-closes once they are written
// and the test asked for it. Reactor is a client write or bidi reactor.
template <typename Reactor>
class WritingCall : public KindHerd::Call, public Reactor {
 public:
  WritingCall(RpcKind kind, std::vector<InferRequest> requests)
      : Call(kind), requests_(std::move(requests)) {}

  void HalfClose() override ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);
      close_asked_ = true;
      if (!ReadyToCloseLocked()) return;
      closing_ = true;
    }
    this->StartWritesDone();
  }

  void OnWriteDone(bool ok) override ABSL_LOCKS_EXCLUDED(mu_) {
    bool close = false;
    size_t next = 0;
    {
      absl::MutexLock lock(&mu_);
      if (!ok) {
        failed_ = true;  // The call is ending; its status says why.
        return;
      }
      next = ++written_;
      if (next == requests_.size()) {
        close = ReadyToCloseLocked();
        closing_ = closing_ || close;
      }
    }
    // Outside the lock: a reaction may run as soon as an operation starts.
    if (next < requests_.size()) {
      this->StartWrite(&requests_[next]);
    } else if (close) {
      this->StartWritesDone();
    }
  }

 protected:
  void StartWrites() { this->StartWrite(&requests_[0]); }

 private:
  bool ReadyToCloseLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return close_asked_ && !closing_ && !failed_ && written_ == requests_.size();
  }

  // Fixed at construction; gRPC reads each element while it is written.
  const std::vector<InferRequest> requests_;
  absl::Mutex mu_;
  size_t written_ ABSL_GUARDED_BY(mu_) = 0;
  bool close_asked_ ABSL_GUARDED_BY(mu_) = false;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
};

class IngestCall final : public WritingCall<grpc::ClientWriteReactor<InferRequest>> {
 public:
  IngestCall(v1::Inference::Stub& stub, std::vector<InferRequest> requests)
      : WritingCall(RpcKind::kClientStreaming, std::move(requests)) {
    stub.async()->Ingest(&context_, &response_, this);
    StartWrites();
    StartCall();
  }
  void OnDone(const grpc::Status& status) override {
    if (status.ok()) Received(response_);
    Done(status);
  }

 private:
  InferResponse response_;
};

class StreamCall final : public WritingCall<grpc::ClientBidiReactor<InferRequest, InferResponse>> {
 public:
  StreamCall(v1::Inference::Stub& stub, std::vector<InferRequest> requests)
      : WritingCall(RpcKind::kBidiStreaming, std::move(requests)) {
    stub.async()->Stream(&context_, this);
    StartWrites();
    StartRead(&response_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    Received(response_);
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override { Done(status); }

 private:
  InferResponse response_;
};

}  // namespace

KindHerd::KindHerd(const std::string& target, const std::string& model, int per_kind) {
  std::vector<std::unique_ptr<v1::Inference::Stub>> stubs;
  for (int kind = 0; kind < 4; ++kind) {
    // Distinct channel arguments keep gRPC from sharing one connection.
    grpc::ChannelArguments arguments;
    arguments.SetInt("sluice.test.kind_channel", kind);
    channels_.push_back(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments));
    stubs.push_back(v1::Inference::NewStub(channels_.back()));
  }
  for (int i = 0; i < per_kind; ++i) {
    const std::string payload = "call " + std::to_string(i);
    calls_.push_back(std::make_unique<InferCall>(*stubs[0], Request(model, payload)));
    calls_.push_back(std::make_unique<GenerateCall>(*stubs[1], Request(model, payload)));
    std::vector<InferRequest> ingest(kIngestRequests, Request("", payload));
    ingest[0].set_model(model);
    calls_.push_back(std::make_unique<IngestCall>(*stubs[2], std::move(ingest)));
    std::vector<InferRequest> stream(kStreamRequests, Request("", payload));
    stream[0].set_model(model);
    calls_.push_back(std::make_unique<StreamCall>(*stubs[3], std::move(stream)));
  }
}

KindHerd::~KindHerd() {
  for (auto& call : calls_) call->Cancel();
  for (auto& call : calls_) (void)call->Wait();
}

void KindHerd::HalfCloseAll() {
  for (auto& call : calls_) call->HalfClose();
}

std::vector<KindHerd::Result> KindHerd::WaitAll() {
  std::vector<Result> results;
  results.reserve(calls_.size());
  for (auto& call : calls_) results.push_back(call->Wait());
  return results;
}

}  // namespace sluice::testing
