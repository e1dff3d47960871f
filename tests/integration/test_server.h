// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// TestServer: a real Sluice engine on 127.0.0.1 port 0 with the demo and test
// models, plus helpers to talk to it over a real gRPC channel.

#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sluice/engine.h"
#include "sluice/v1/inference.grpc.pb.h"
#include "tests/integration/test_models.h"

namespace sluice::testing {

class TestServer {
 public:
  explicit TestServer(EngineOptions options = DefaultOptions());
  ~TestServer();

  static EngineOptions DefaultOptions();

  Engine& engine() { return *engine_; }
  std::string address() const;
  std::unique_ptr<v1::Inference::Stub> NewStub() const;

  /// Models registered besides echo and tokens:
  /// "generator" (ObservedGenerator, 64 B), "big" (ObservedGenerator, 256 KiB),
  /// "faulty", "unopenable", "doorbell" (Doorbell), "generator_inline"
  /// (ObservedGenerator, 64 B, Execution::kInline), "doorbell_inline"
  /// (Doorbell, Execution::kInline), "counter" (CounterModel).
  std::shared_ptr<GeneratorProbe> generator_probe = std::make_shared<GeneratorProbe>();
  std::shared_ptr<GeneratorProbe> big_probe = std::make_shared<GeneratorProbe>();
  std::shared_ptr<DoorbellProbe> doorbell_probe = std::make_shared<DoorbellProbe>();
  std::shared_ptr<GeneratorProbe> inline_probe = std::make_shared<GeneratorProbe>();
  std::shared_ptr<DoorbellProbe> inline_doorbell_probe = std::make_shared<DoorbellProbe>();
  /// "ledger" (LedgerModel).
  std::shared_ptr<LedgerModel> ledger = std::make_shared<LedgerModel>();
  /// "gate" (GateModel).
  std::shared_ptr<GateModel> gate = std::make_shared<GateModel>();
  /// "interop" (InteropModel): the server side of the gRPC interop cases.
  std::shared_ptr<InteropProbe> interop_probe = std::make_shared<InteropProbe>();

 private:
  std::unique_ptr<Engine> engine_;
};

/// A request for `model` with `payload` and optional parameters.
v1::InferRequest MakeRequest(const std::string& model, const std::string& payload,
                             uint64_t sequence = 0,
                             std::vector<std::pair<std::string, std::string>> parameters = {});

/// Writes `requests`, half-closes, and reads every response; returns the
/// final status. For small exchanges (the requests fit in flow control).
grpc::Status Exchange(v1::Inference::Stub& stub, const std::vector<v1::InferRequest>& requests,
                      std::vector<v1::InferResponse>* responses,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace sluice::testing
