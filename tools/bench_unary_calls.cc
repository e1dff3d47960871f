// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The bench calls that send one request: Infer (unary) and Generate (server streaming).

#include <utility>

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

#include "tools/bench_calls.h"
#include "tools/client_channel.h"

namespace sluice::cli {
namespace {

// One Infer call. The unary callback API needs no reactor: the completion lambda ends it.
class InferCall final : public BenchCall {
 public:
  InferCall(const BenchContext& context, CallOwner& owner, const Ticket& ticket,
            uint64_t payload_index)
      : context_(context), owner_(owner), ticket_(ticket), request_(context.base_request) {
    request_.set_payload(BenchPayload(context, payload_index));
    ApplyDeadline(context.options.call, &client_context_);
  }

  void Start(v1::Inference::Stub& stub) override {
    context_.recorder.RequestSent(ticket_.measured, request_.payload().size());
    stub.async()->Infer(&client_context_, &request_, &response_,
                        [this](grpc::Status status) { OnDone(std::move(status)); });
  }

  void Cancel() override { client_context_.TryCancel(); }

 private:
  // Reaction: the answer, or the failure.
  void OnDone(grpc::Status status) {
    const BenchClock::time_point now = BenchClock::now();
    status = AnswerStatus(status, response_);
    if (status.ok()) {
      context_.recorder.ResponseReceived(ticket_.measured, response_.payload().size());
      context_.recorder.Latency(ticket_.measured, now - ticket_.due);
    } else {
      context_.recorder.FailureLatency(ticket_.measured, now - ticket_.due);
    }
    context_.recorder.CallEnded(ticket_.measured, status);
    owner_.CallDone();  // May destroy `this`.
  }

  const BenchContext& context_;
  CallOwner& owner_;
  const Ticket ticket_;
  grpc::ClientContext client_context_;
  v1::InferRequest request_;
  v1::InferResponse response_;
};

// One Generate call: reads every response until the server ends the call.
class GenerateCall final : public BenchCall, public grpc::ClientReadReactor<v1::InferResponse> {
 public:
  GenerateCall(const BenchContext& context, CallOwner& owner, const Ticket& ticket,
               uint64_t payload_index)
      : context_(context), owner_(owner), ticket_(ticket), request_(context.base_request) {
    request_.set_payload(BenchPayload(context, payload_index));
    ApplyDeadline(context.options.call, &client_context_);
  }

  void Start(v1::Inference::Stub& stub) override {
    context_.recorder.RequestSent(ticket_.measured, request_.payload().size());
    stub.async()->Generate(&client_context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void Cancel() override { client_context_.TryCancel(); }

  // Reaction; reads are one at a time, so the members need no lock.
  void OnReadDone(bool ok) override {
    if (!ok) return;  // The call is over; OnDone says how.
    if (first_) {
      first_ = false;
      const BenchClock::duration wait = BenchClock::now() - ticket_.due;
      context_.recorder.FirstResponse(ticket_.measured, wait);
      context_.recorder.Latency(ticket_.measured, wait);
    }
    // An error response is also the call's status, counted in OnDone.
    context_.recorder.ResponseReceived(ticket_.measured, response_.payload().size());
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    context_.recorder.CallEnded(ticket_.measured, status);
    owner_.CallDone();  // May destroy `this`.
  }

 private:
  const BenchContext& context_;
  CallOwner& owner_;
  const Ticket ticket_;
  grpc::ClientContext client_context_;
  v1::InferRequest request_;
  v1::InferResponse response_;
  bool first_ = true;
};

}  // namespace

const std::string& BenchPayload(const BenchContext& context, uint64_t index) {
  const std::vector<std::string>& payloads = context.options.payloads;
  return payloads[static_cast<size_t>(index % payloads.size())];
}

std::shared_ptr<BenchCall> MakeInferCall(const BenchContext& context, CallOwner& owner,
                                         const Ticket& ticket, uint64_t payload_index) {
  return std::make_shared<InferCall>(context, owner, ticket, payload_index);
}

std::shared_ptr<BenchCall> MakeGenerateCall(const BenchContext& context, CallOwner& owner,
                                            const Ticket& ticket, uint64_t payload_index) {
  return std::make_shared<GenerateCall>(context, owner, ticket, payload_index);
}

}  // namespace sluice::cli
