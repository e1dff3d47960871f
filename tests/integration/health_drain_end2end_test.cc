// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Health and drain, end to end: grpc.health.v1 Check and Watch for the server
// and each model, a model marked down by its embedder, and the drain on
// Shutdown: health goes NOT_SERVING first, streams in flight of every kind
// finish with everything they were owed, and streams that cannot finish in
// time end with UNAVAILABLE saying the server is draining.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/models/demo_models.h"
#include "tests/integration/gated_model.h"
#include "tests/integration/health_client.h"
#include "tests/integration/kind_herd.h"
#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using v1::InferRequest;
using v1::InferResponse;

constexpr char kInferenceService[] = "sluice.v1.Inference";

Health Check(const std::string& target, const std::string& service) {
  Health health = Health::kUnknown;
  const grpc::Status status = CheckHealth(target, service, &health);
  EXPECT_TRUE(status.ok()) << service << ": " << status.error_message();
  return health;
}

// A stream that selects `model` and reads the outcome of one request.
grpc::Status OpenStream(v1::Inference::Stub& stub, const std::string& model) {
  std::vector<InferResponse> responses;
  return Exchange(stub, {MakeRequest(model, "hello")}, &responses);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(HealthEnd2endTest, ServerServiceAndEveryModelAreServing) {
  TestServer server;
  EXPECT_EQ(Check(server.address(), ""), Health::kServing);
  EXPECT_EQ(Check(server.address(), kInferenceService), Health::kServing);
  for (const char* model : {"echo", "tokens", "generator", "doorbell"}) {
    EXPECT_EQ(Check(server.address(), model), Health::kServing) << model;
  }
  Health health = Health::kUnknown;
  EXPECT_EQ(CheckHealth(server.address(), "no_such_model", &health).error_code(),
            grpc::StatusCode::NOT_FOUND);

  HealthWatch server_watch(server.address(), "");
  EXPECT_EQ(server_watch.Next(), Health::kServing);
  HealthWatch model_watch(server.address(), "echo");
  EXPECT_EQ(model_watch.Next(), Health::kServing);
}

TEST(HealthEnd2endTest, ModelMarkedDownIsNotServingAndRefusesNewStreams) {
  TestServer server;
  auto stub = server.NewStub();
  HealthWatch watch(server.address(), "echo");
  ASSERT_EQ(watch.Next(), Health::kServing);

  // A stream that selected echo before it went down keeps running.
  grpc::ClientContext open_context;
  auto open_stream = stub->Stream(&open_context);
  InferResponse response;
  ASSERT_TRUE(open_stream->Write(MakeRequest("echo", "before")));
  ASSERT_TRUE(open_stream->Read(&response));

  ASSERT_TRUE(server.engine().SetModelServing("echo", false, "its GPU host is rebooting").ok());
  EXPECT_EQ(watch.Next(), Health::kNotServing);
  EXPECT_EQ(Check(server.address(), "echo"), Health::kNotServing);
  EXPECT_EQ(Check(server.address(), ""), Health::kServing);
  EXPECT_EQ(Check(server.address(), "tokens"), Health::kServing);

  const grpc::Status refused = OpenStream(*stub, "echo");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(Contains(refused.error_message(), "'echo'")) << refused.error_message();
  EXPECT_TRUE(Contains(refused.error_message(), "its GPU host is rebooting"))
      << refused.error_message();
  grpc::ClientContext unary_context;
  InferResponse unary_response;
  const grpc::Status unary =
      stub->Infer(&unary_context, MakeRequest("echo", "unary"), &unary_response);
  EXPECT_EQ(unary.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(OpenStream(*stub, "tokens").ok());  // Other models are unaffected.

  ASSERT_TRUE(open_stream->Write(MakeRequest("", "during")));
  ASSERT_TRUE(open_stream->Read(&response));
  EXPECT_EQ(response.payload(), "during");
  open_stream->WritesDone();
  EXPECT_TRUE(open_stream->Finish().ok());

  ASSERT_TRUE(server.engine().SetModelServing("echo", true, "").ok());
  EXPECT_EQ(watch.Next(), Health::kServing);
  EXPECT_EQ(Check(server.address(), "echo"), Health::kServing);
  EXPECT_TRUE(OpenStream(*stub, "echo").ok());

  const absl::Status unknown = server.engine().SetModelServing("no_such_model", false, "x");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Contains(std::string(unknown.message()), "echo")) << unknown;
}

TEST(HealthEnd2endTest, ReplaceModelsServesAddedModelsAndNotRemovedOnes) {
  TestServer server;
  ASSERT_TRUE(server.engine().SetModelServing("tokens", false, "warming up").ok());
  HealthWatch removed_watch(server.address(), "generator");
  ASSERT_EQ(removed_watch.Next(), Health::kServing);

  std::vector<ModelSpec> models;
  const std::vector<std::pair<std::string, std::string>> names_and_kinds = {
      {"echo", "echo"}, {"tokens", "tokens"}, {"echo_again", "echo"}};
  for (const auto& [name, kind] : names_and_kinds) {
    absl::StatusOr<ModelSpec> spec = models::MakeDemoModel(kind, {});
    ASSERT_TRUE(spec.ok()) << spec.status();
    spec->name = name;
    models.push_back(*std::move(spec));
  }
  ASSERT_TRUE(server.engine().ReplaceModels(std::move(models)).ok());

  EXPECT_EQ(removed_watch.Next(), Health::kNotServing);
  EXPECT_EQ(Check(server.address(), "generator"), Health::kNotServing);
  EXPECT_EQ(Check(server.address(), "echo_again"), Health::kServing);
  EXPECT_EQ(Check(server.address(), "echo"), Health::kServing);
  // A model the embedder marked down stays down through a reload.
  EXPECT_EQ(Check(server.address(), "tokens"), Health::kNotServing);
  auto stub = server.NewStub();
  EXPECT_EQ(OpenStream(*stub, "tokens").error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(OpenStream(*stub, "echo_again").ok());
  EXPECT_EQ(server.engine().SetModelServing("generator", true, "").code(),
            absl::StatusCode::kNotFound);
}

TEST(HealthEnd2endTest, WatchSeesNotServingWhenTheDrainBegins) {
  auto server = std::make_unique<TestServer>();
  auto stub = server->NewStub();
  HealthWatch server_watch(server->address(), "");
  HealthWatch model_watch(server->address(), "echo");
  ASSERT_EQ(server_watch.Next(), Health::kServing);
  ASSERT_EQ(model_watch.Next(), Health::kServing);

  // An open stream keeps the drain in progress until the test ends it.
  grpc::ClientContext context;
  auto stream = stub->Stream(&context);
  InferResponse response;
  ASSERT_TRUE(stream->Write(MakeRequest("echo", "before")));
  ASSERT_TRUE(stream->Read(&response));

  std::jthread stopper([&] { server->engine().Shutdown(std::chrono::seconds(60)); });
  EXPECT_EQ(server_watch.Next(), Health::kNotServing);
  EXPECT_EQ(model_watch.Next(), Health::kNotServing);
  // A model cannot be brought back while the server drains.
  EXPECT_TRUE(server->engine().SetModelServing("echo", true, "").ok());
  // New streams are refused, saying why. (The refusal starts just after the
  // health change the watches saw, so a stream may still slip in first; it
  // is then simply served.)
  grpc::Status refused;
  for (int attempt = 0; attempt < 1000 && refused.ok(); ++attempt) {
    refused = OpenStream(*stub, "echo");
  }
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(Contains(refused.error_message(), "draining")) << refused.error_message();
  EXPECT_TRUE(Contains(refused.error_message(), "takes no new streams")) << refused.error_message();

  // The stream in flight is still served during the drain.
  // (EXPECT, not ASSERT, from here: the stopper thread joins on the way out.)
  EXPECT_TRUE(stream->Write(MakeRequest("", "draining")));
  EXPECT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.payload(), "draining");
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());

  // The watches end once the drain is over, and said nothing else before.
  EXPECT_EQ(server_watch.Next(), std::nullopt);
  EXPECT_EQ(model_watch.Next(), std::nullopt);
  EXPECT_FALSE(server_watch.Finish().ok());
  stopper.join();
  server.reset();  // Asserts nothing outlived the shutdown.
}

// An engine serving only "gated", whose requests wait for the test's gate.
class GatedServer {
 public:
  GatedServer() {
    auto engine = Engine::Create(TestServer::DefaultOptions());
    EXPECT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    EXPECT_TRUE(
        engine_->RegisterModel({.name = "gated", .model = std::make_shared<GatedModel>(gate)})
            .ok());
    const absl::Status started = engine_->Start();
    EXPECT_TRUE(started.ok()) << started;
  }

  Engine& engine() { return *engine_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(engine_->port()); }

  // Shutdown() has returned: nothing may be left.
  void ExpectNothingAlive() const {
    const EngineStats stats = engine_->Stats();
    EXPECT_EQ(stats.streams_active, 0);
    EXPECT_EQ(stats.stream_actors_alive, 0);
    EXPECT_EQ(stats.session_actors_alive, 0);
  }

  std::shared_ptr<Gate> gate = std::make_shared<Gate>();

 private:
  std::unique_ptr<Engine> engine_;
};

constexpr int kPerKind = 100;

TEST(DrainEnd2endTest, StreamsOfEveryKindInFlightFinishWithEverythingTheyWereOwed) {
  GatedServer server;
  HealthWatch watch(server.address(), "");
  ASSERT_EQ(watch.Next(), Health::kServing);
  KindHerd herd(server.address(), "gated", kPerKind);
  // Every call has its session, waiting at the gate: all 400 are in flight.
  server.gate->WaitForSessions(4 * kPerKind);
  ASSERT_EQ(server.engine().Stats().streams_active, 4 * kPerKind);

  std::jthread stopper([&] { server.engine().Shutdown(std::chrono::seconds(120)); });
  EXPECT_EQ(watch.Next(), Health::kNotServing);  // The drain has begun.
  server.gate->Open();
  herd.HalfCloseAll();

  std::map<RpcKind, int> ok_by_kind;
  for (const KindHerd::Result& result : herd.WaitAll()) {
    const int kind = static_cast<int>(result.kind);
    EXPECT_TRUE(result.status.ok()) << "kind " << kind << ": " << result.status.error_message()
                                    << " after " << result.responses.size() << " responses";
    if (!result.status.ok()) continue;
    ++ok_by_kind[result.kind];
    const size_t expected = result.kind == RpcKind::kServerStreaming
                                ? GatedModel::kGeneratedResponses
                            : result.kind == RpcKind::kBidiStreaming ? KindHerd::kStreamRequests
                                                                     : 1;
    EXPECT_EQ(result.responses.size(), expected) << "kind " << kind;
    if (result.responses.size() != expected) continue;
    if (result.kind == RpcKind::kClientStreaming) {
      EXPECT_EQ(result.responses[0].parameters().at("requests"),
                std::to_string(KindHerd::kIngestRequests));
      continue;
    }
    // Every response answers this call's requests ("call N").
    const std::string& payload = result.responses[0].payload();
    EXPECT_EQ(payload.rfind("call ", 0), 0u) << payload;
    for (const InferResponse& response : result.responses) EXPECT_EQ(response.payload(), payload);
  }
  EXPECT_EQ(ok_by_kind, (std::map<RpcKind, int>{{RpcKind::kUnary, kPerKind},
                                                {RpcKind::kServerStreaming, kPerKind},
                                                {RpcKind::kClientStreaming, kPerKind},
                                                {RpcKind::kBidiStreaming, kPerKind}}));
  stopper.join();
  server.ExpectNothingAlive();
  EXPECT_EQ(server.engine().Stats().sessions_cancelled, 0);  // None was cut short.
}

TEST(DrainEnd2endTest, StreamsThatCannotFinishInTimeEndUnavailableSayingTheServerIsDraining) {
  GatedServer server;
  KindHerd herd(server.address(), "gated", kPerKind);
  server.gate->WaitForSessions(4 * kPerKind);
  ASSERT_EQ(server.engine().Stats().streams_active, 4 * kPerKind);

  // The gate never opens: no call can finish within the drain.
  server.engine().Shutdown(std::chrono::milliseconds(100));

  std::map<RpcKind, int> unavailable_by_kind;
  for (const KindHerd::Result& result : herd.WaitAll()) {
    EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << result.status.error_message();
    EXPECT_TRUE(Contains(result.status.error_message(), "draining"))
        << result.status.error_message();
    EXPECT_TRUE(result.responses.empty());
    if (result.status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      ++unavailable_by_kind[result.kind];
    }
  }
  EXPECT_EQ(unavailable_by_kind, (std::map<RpcKind, int>{{RpcKind::kUnary, kPerKind},
                                                         {RpcKind::kServerStreaming, kPerKind},
                                                         {RpcKind::kClientStreaming, kPerKind},
                                                         {RpcKind::kBidiStreaming, kPerKind}}));
  server.ExpectNothingAlive();
}

}  // namespace
}  // namespace sluice::testing
