// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "tests/integration/test_server.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/models/demo_models.h"

namespace sluice::testing {

EngineOptions TestServer::DefaultOptions() {
  EngineOptions options;
  options.listen_address = "127.0.0.1:0";
  // Metrics are recorded, but not served: stopping the HTTP endpoint waits
  // out civetweb's 2 s poll, which every test would pay. The metrics tests
  // serve it.
  options.metrics_address = "";
  options.stream_threads = 2;
  options.model_threads = 2;
  return options;
}

TestServer::TestServer(EngineOptions options) {
  auto engine = Engine::Create(std::move(options));
  EXPECT_TRUE(engine.ok()) << engine.status();
  engine_ = std::move(*engine);
  models::TokensModelOptions tokens;
  tokens.tokens_per_second = 0;  // Tests never wait on a clock.
  EXPECT_TRUE(models::RegisterDemoModels(*engine_, tokens).ok());
  EXPECT_TRUE(
      engine_
          ->RegisterModel({.name = "generator",
                           .model = std::make_shared<ObservedGenerator>(generator_probe, 64)})
          .ok());
  EXPECT_TRUE(
      engine_
          ->RegisterModel(
              {.name = "big", .model = std::make_shared<ObservedGenerator>(big_probe, 256 << 10)})
          .ok());
  EXPECT_TRUE(
      engine_->RegisterModel({.name = "faulty", .model = std::make_shared<FaultyModel>()}).ok());
  EXPECT_TRUE(
      engine_->RegisterModel({.name = "unopenable", .model = std::make_shared<UnopenableModel>()})
          .ok());
  EXPECT_TRUE(
      engine_
          ->RegisterModel({.name = "doorbell", .model = std::make_shared<Doorbell>(doorbell_probe)})
          .ok());
  EXPECT_TRUE(engine_
                  ->RegisterModel({.name = "generator_inline",
                                   .model = std::make_shared<ObservedGenerator>(inline_probe, 64),
                                   .execution = Execution::kInline})
                  .ok());
  EXPECT_TRUE(engine_
                  ->RegisterModel({.name = "doorbell_inline",
                                   .model = std::make_shared<Doorbell>(inline_doorbell_probe),
                                   .execution = Execution::kInline})
                  .ok());
  EXPECT_TRUE(
      engine_->RegisterModel({.name = "counter", .model = std::make_shared<CounterModel>()}).ok());
  EXPECT_TRUE(engine_->RegisterModel({.name = "ledger", .model = ledger}).ok());
  EXPECT_TRUE(engine_->RegisterModel({.name = "gate", .model = gate}).ok());
  EXPECT_TRUE(engine_
                  ->RegisterModel(
                      {.name = "interop", .model = std::make_shared<InteropModel>(interop_probe)})
                  .ok());
  const absl::Status started = engine_->Start();
  EXPECT_TRUE(started.ok()) << started;
}

TestServer::~TestServer() {
  engine_->Shutdown(std::chrono::seconds(5));
  const EngineStats stats = engine_->Stats();
  // Nothing may outlive a clean shutdown.
  EXPECT_EQ(stats.stream_actors_alive, 0);
  EXPECT_EQ(stats.session_actors_alive, 0);
  EXPECT_EQ(stats.streams_active, 0);
}

std::string TestServer::address() const { return "127.0.0.1:" + std::to_string(engine_->port()); }

std::unique_ptr<v1::Inference::Stub> TestServer::NewStub() const {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  // A channel per stub, so tests do not share connections by accident.
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  return v1::Inference::NewStub(
      grpc::CreateCustomChannel(address(), grpc::InsecureChannelCredentials(), args));
}

v1::InferRequest MakeRequest(const std::string& model, const std::string& payload,
                             uint64_t sequence,
                             std::vector<std::pair<std::string, std::string>> parameters) {
  v1::InferRequest request;
  request.set_model(model);
  request.set_payload(payload);
  request.set_sequence(sequence);
  for (auto& [key, value] : parameters) (*request.mutable_parameters())[key] = value;
  return request;
}

grpc::Status Exchange(v1::Inference::Stub& stub, const std::vector<v1::InferRequest>& requests,
                      std::vector<v1::InferResponse>* responses,
                      std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  auto stream = stub.Stream(&context);
  std::thread writer([&] {
    for (const auto& request : requests) {
      if (!stream->Write(request)) break;
    }
    stream->WritesDone();
  });
  v1::InferResponse response;
  while (stream->Read(&response)) responses->push_back(response);
  writer.join();
  return stream->Finish();
}

}  // namespace sluice::testing
