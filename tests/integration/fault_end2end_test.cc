// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The engine under real network faults, injected by the TCP fault proxy
// between client and server: a connection cut in the middle of a
// generation, and a client that goes silent.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/fault_proxy.h"
#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

std::unique_ptr<v1::Inference::Stub> StubThrough(const FaultProxy& proxy) {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);  // A connection of its own.
  return v1::Inference::NewStub(
      grpc::CreateCustomChannel(proxy.address(), grpc::InsecureChannelCredentials(), args));
}

TEST(FaultEnd2endTest, TokensCutMidGenerationResumeWithEveryTokenExactlyOnce) {
  EngineOptions options = TestServer::DefaultOptions();
  options.resume.replay_messages = 4096;
  TestServer server(options);
  auto proxy = FaultProxy::Start(server.address());
  ASSERT_TRUE(proxy.ok()) << proxy.status();

  constexpr int kTokens = 2000;
  const v1::InferRequest request =
      MakeRequest("tokens", "Once upon a time", /*sequence=*/1,
                  {{"max_tokens", std::to_string(kTokens)}, {"tokens_per_second", "5000"}});
  std::vector<int> token_indexes;
  uint64_t last_sequence = 0;
  auto read_all = [&](grpc::ClientReaderInterface<v1::InferResponse>& reader) {
    v1::InferResponse response;
    while (reader.Read(&response)) {
      EXPECT_EQ(response.sequence(), last_sequence + 1);
      last_sequence = response.sequence();
      token_indexes.push_back(std::stoi(response.parameters().at("token_index")));
    }
  };

  // The connection is cut (RST both ways) once ~8 KB crossed the proxy:
  // some hundred tokens in, with more than a thousand still to come.
  (*proxy)->CutAfterBytes(8000);
  {
    auto stub = StubThrough(**proxy);
    grpc::ClientContext context;
    context.AddMetadata("sluice-session", "tokens-cut");
    auto reader = stub->Generate(&context, request);
    read_all(*reader);
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  ASSERT_GT(token_indexes.size(), 0u);
  ASSERT_LT(token_indexes.size(), static_cast<size_t>(kTokens));

  (*proxy)->CutAfterBytes(0);
  auto stub = StubThrough(**proxy);  // A new connection, as a reconnecting client makes.
  grpc::ClientContext context;
  context.set_wait_for_ready(true);
  context.AddMetadata("sluice-session", "tokens-cut");
  context.AddMetadata("sluice-resume-after", std::to_string(last_sequence));
  auto reader = stub->Generate(&context, request);
  read_all(*reader);
  const grpc::Status status = reader->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();

  ASSERT_EQ(token_indexes.size(), static_cast<size_t>(kTokens));
  for (int i = 0; i < kTokens; ++i) ASSERT_EQ(token_indexes[i], i);
  const EngineStats stats = server.engine().Stats();
  EXPECT_EQ(stats.sessions_resumed, 1);
  EXPECT_EQ(stats.sessions_evicted, 0);
}

TEST(FaultEnd2endTest, BlackHoledClientIsFoundByKeepaliveAndItsStreamCleanedUp) {
  EngineOptions options = TestServer::DefaultOptions();
  options.connection.keepalive_time = std::chrono::milliseconds(200);
  options.connection.keepalive_timeout = std::chrono::milliseconds(200);
  TestServer server(options);
  auto proxy = FaultProxy::Start(server.address());
  ASSERT_TRUE(proxy.ok()) << proxy.status();

  auto stub = StubThrough(**proxy);
  grpc::ClientContext context;
  auto reader = stub->Generate(&context, MakeRequest("generator", "", 1, {{"pace_ms", "20"}}));
  v1::InferResponse response;
  ASSERT_TRUE(reader->Read(&response));
  (*proxy)->BlackHole(true);  // The client's host vanishes without a FIN or RST.

  // The server's keepalive ping goes unanswered, so gRPC closes the
  // connection; the stream is cancelled and the model session released.
  server.generator_probe->cancelled.Wait();
  server.generator_probe->session_destroyed.Wait();
  EXPECT_GE(server.engine().Stats().sessions_cancelled, 1);

  context.TryCancel();
  EXPECT_FALSE(reader->Finish().ok());
}

}  // namespace
}  // namespace sluice::testing
