// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "tests/integration/stream_herd.h"

#include <atomic>
#include <utility>

namespace sluice::testing {

// One stream: a write then a read per step, reported to the herd.
class StreamHerd::Call final : public grpc::ClientBidiReactor<v1::InferRequest, v1::InferResponse> {
 public:
  Call(StreamHerd& herd, v1::Inference::Stub& stub) : herd_(herd) {
    stub.async()->Stream(&context_, this);
    StartCall();
  }

  bool open() const { return open_.load(); }

  void Step(v1::InferRequest request) {
    request_ = std::move(request);
    StartWrite(&request_);
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      open_ = false;
      herd_.StepDone(false);
      return;
    }
    StartRead(&response_);
  }
  void OnReadDone(bool ok) override {
    const bool answered = ok && !response_.has_error();
    if (!ok) open_ = false;
    herd_.StepDone(answered);
  }

  void Close() { StartWritesDone(); }
  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_code_ = status.error_code();
    done_ = true;
  }
  // Waits for OnDone; the final status code.
  int WaitDone() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
    return status_code_;
  }
  void Cancel() { context_.TryCancel(); }

 private:
  StreamHerd& herd_;
  grpc::ClientContext context_;
  v1::InferRequest request_;
  v1::InferResponse response_;
  std::atomic<bool> open_{true};  // Written by reactions, read by the test.
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  int status_code_ ABSL_GUARDED_BY(mu_) = -1;
};

StreamHerd::StreamHerd(const std::string& target, const std::string& model, int streams,
                       int channels)
    : model_(model) {
  std::vector<std::unique_ptr<v1::Inference::Stub>> stubs;
  for (int i = 0; i < channels; ++i) {
    // Distinct channel arguments keep gRPC from sharing one connection.
    grpc::ChannelArguments arguments;
    arguments.SetInt("sluice.test.channel", i);
    channels_.push_back(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments));
    stubs.push_back(v1::Inference::NewStub(channels_.back()));
  }
  for (int i = 0; i < streams; ++i) {
    calls_.push_back(std::make_unique<Call>(*this, *stubs[i % channels]));
  }
}

StreamHerd::~StreamHerd() {
  for (auto& call : calls_) {
    call->Cancel();
    (void)call->WaitDone();
  }
}

void StreamHerd::StepDone(bool ok) {
  absl::MutexLock lock(&mu_);
  --pending_;
  if (ok) ++succeeded_;
}

int StreamHerd::Round() {
  {
    absl::MutexLock lock(&mu_);
    succeeded_ = 0;
    pending_ = 0;
    for (const auto& call : calls_) pending_ += call->open() ? 1 : 0;
  }
  const uint64_t sequence = next_sequence_++;
  for (auto& call : calls_) {
    if (!call->open()) continue;
    v1::InferRequest request;
    request.set_model(sequence == 1 ? model_ : "");
    request.set_sequence(sequence);
    request.set_payload("step");
    call->Step(std::move(request));
  }
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* pending) { return *pending == 0; }, &pending_));
  return succeeded_;
}

std::map<int, int> StreamHerd::CloseAll() {
  std::map<int, int> codes;
  for (auto& call : calls_) {
    if (call->open()) call->Close();  // A failed stream is already done.
  }
  for (auto& call : calls_) ++codes[call->WaitDone()];
  calls_.clear();
  return codes;
}

}  // namespace sluice::testing
