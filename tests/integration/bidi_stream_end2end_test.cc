// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of the bidirectional Stream method: a real engine on
// 127.0.0.1 port 0 and a real gRPC client over a real socket.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using v1::InferRequest;
using v1::InferResponse;

TEST(BidiStreamEnd2endTest, TenThousandEchoesArriveInOrder) {
  TestServer server;
  auto stub = server.NewStub();
  constexpr int kMessages = 10000;
  grpc::ClientContext context;
  auto stream = stub->Stream(&context);
  std::thread writer([&] {
    for (int i = 1; i <= kMessages; ++i) {
      ASSERT_TRUE(stream->Write(MakeRequest(i == 1 ? "echo" : "", "m" + std::to_string(i), i)));
    }
    stream->WritesDone();
  });
  InferResponse response;
  int received = 0;
  while (stream->Read(&response)) {
    ++received;
    ASSERT_EQ(response.request_sequence(), static_cast<uint64_t>(received));
    ASSERT_EQ(response.sequence(), static_cast<uint64_t>(received));
    ASSERT_EQ(response.payload(), "m" + std::to_string(received));
    ASSERT_EQ(response.timestamp(), received - 1);  // Automatic timestamps 0, 1, 2, ...
    ASSERT_TRUE(response.final());
    ASSERT_EQ(response.model(), "echo");
  }
  writer.join();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(received, kMessages);
  server.engine().Shutdown(std::chrono::seconds(5));
  EXPECT_EQ(server.engine().Stats().messages_received, kMessages);
  EXPECT_EQ(server.engine().Stats().messages_sent, kMessages);
}

TEST(BidiStreamEnd2endTest, HundredConcurrentStreams) {
  TestServer server;
  constexpr int kStreams = 100;
  constexpr int kPerStream = 50;
  std::vector<std::thread> clients;
  std::atomic<int> ok_streams{0};
  auto stub = server.NewStub();  // All streams share one connection, as HTTP/2 allows.
  for (int s = 0; s < kStreams; ++s) {
    clients.emplace_back([&, s] {
      std::vector<InferRequest> requests;
      for (int i = 1; i <= kPerStream; ++i) {
        requests.push_back(MakeRequest("echo", std::to_string(s) + ":" + std::to_string(i), i));
      }
      std::vector<InferResponse> responses;
      grpc::Status status = Exchange(*stub, requests, &responses);
      bool in_order = responses.size() == kPerStream;
      for (size_t i = 0; in_order && i < responses.size(); ++i) {
        in_order = responses[i].payload() == std::to_string(s) + ":" + std::to_string(i + 1);
      }
      if (status.ok() && in_order) ok_streams.fetch_add(1);
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok_streams.load(), kStreams);
  EXPECT_EQ(server.engine().Stats().streams_started, kStreams);
}

TEST(BidiStreamEnd2endTest, UnknownModelClosesStreamWithNotFound) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  grpc::Status status = Exchange(*stub, {MakeRequest("no-such-model", "x")}, &responses);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("'no-such-model'"), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("echo"), std::string::npos);  // Lists what exists.
  EXPECT_TRUE(responses.empty());
}

TEST(BidiStreamEnd2endTest, FirstRequestWithoutModelIsInvalidArgument) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  grpc::Status status = Exchange(*stub, {MakeRequest("", "x")}, &responses);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("must name a model"), std::string::npos);
}

TEST(BidiStreamEnd2endTest, EmptyStreamFinishesOk) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  EXPECT_TRUE(Exchange(*stub, {}, &responses).ok());
  EXPECT_TRUE(responses.empty());
}

TEST(BidiStreamEnd2endTest, ModelMismatchGetsErrorResponseAndStreamStaysOpen) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  grpc::Status status = Exchange(
      *stub,
      {MakeRequest("echo", "a", 1), MakeRequest("tokens", "b", 2), MakeRequest("echo", "c", 3)},
      &responses);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].payload(), "a");
  ASSERT_TRUE(responses[1].has_error());
  EXPECT_EQ(responses[1].request_sequence(), 2u);
  EXPECT_EQ(responses[1].error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(responses[1].error().message().find("'tokens'"), std::string::npos);
  EXPECT_EQ(responses[2].payload(), "c");
}

TEST(BidiStreamEnd2endTest, ExplicitTimestampsMustIncrease) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  grpc::Status status = Exchange(*stub,
                                 {MakeRequest("echo", "a", 1),                          // auto 0
                                  MakeRequest("echo", "b", 2, {{"timestamp", "100"}}),  // 100
                                  MakeRequest("echo", "c", 3),                          // auto 101
                                  MakeRequest("echo", "d", 4, {{"timestamp", "50"}}),   // error
                                  MakeRequest("echo", "e", 5, {{"timestamp", "x"}}),    // error
                                  MakeRequest("echo", "f", 6)},                         // auto 102
                                 &responses);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(responses.size(), 6u);
  EXPECT_EQ(responses[0].timestamp(), 0);
  EXPECT_EQ(responses[1].timestamp(), 100);
  EXPECT_EQ(responses[2].timestamp(), 101);
  ASSERT_TRUE(responses[3].has_error());
  EXPECT_EQ(responses[3].error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(responses[3].error().message().find("not greater than the previous 101"),
            std::string::npos);
  ASSERT_TRUE(responses[4].has_error());
  EXPECT_EQ(responses[5].timestamp(), 102);
}

// The engine reads requests into recycled buffers (actors/request_buffer.h):
// nothing of an earlier request may show in a later one that leaves a field
// unset or shorter.
TEST(BidiStreamEnd2endTest, NoRequestCarriesOverAnythingOfAnEarlierOne) {
  TestServer server;
  auto stub = server.NewStub();
  constexpr int kMessages = 300;
  std::vector<InferRequest> requests;
  for (int i = 1; i <= kMessages; ++i) {
    switch (i % 3) {
      case 0:  // Long payload, explicit timestamp.
        requests.push_back(MakeRequest(i == 1 ? "echo" : "", std::string(200, 'L'), i,
                                       {{"timestamp", std::to_string(10 * i)}}));
        break;
      case 1:  // Short payload, no parameters: an automatic timestamp.
        requests.push_back(MakeRequest(i == 1 ? "echo" : "", "s" + std::to_string(i), i));
        break;
      default:  // No payload, another parameter.
        requests.push_back(MakeRequest("", "", i, {{"note", "n"}}));
        break;
    }
  }
  std::vector<InferResponse> responses;
  grpc::Status status = Exchange(*stub, requests, &responses);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), static_cast<size_t>(kMessages));
  int64_t previous_timestamp = -1;
  for (int i = 1; i <= kMessages; ++i) {
    const InferResponse& response = responses[i - 1];
    const InferRequest& request = requests[i - 1];
    ASSERT_FALSE(response.has_error()) << i << ": " << response.error().message();
    ASSERT_EQ(response.payload(), request.payload()) << i;
    ASSERT_EQ(response.parameters_size(), request.parameters_size()) << i;
    for (const auto& [name, value] : request.parameters()) {
      ASSERT_EQ(response.parameters().at(name), value) << i;
    }
    const int64_t expected = i % 3 == 0 ? 10 * i : previous_timestamp + 1;
    ASSERT_EQ(response.timestamp(), expected) << i;
    previous_timestamp = expected;
  }
}

TEST(BidiStreamEnd2endTest, LargestTimestampIsRejectedBeforeItCanOverflow) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  ASSERT_TRUE(Exchange(*stub,
                       {MakeRequest("echo", "a", 1, {{"timestamp", "9223372036854775807"}}),
                        MakeRequest("echo", "b", 2, {{"timestamp", "9223372036854775806"}}),
                        MakeRequest("echo", "c", 3, {{"timestamp", "9223372036854775807"}})},
                       &responses)
                  .ok());
  ASSERT_EQ(responses.size(), 3u);
  ASSERT_TRUE(responses[0].has_error());
  EXPECT_NE(responses[0].error().message().find("too large"), std::string::npos);
  EXPECT_EQ(responses[1].timestamp(), 9223372036854775806);
  ASSERT_TRUE(responses[2].has_error());
}

// An error message quotes what the client sent; when that is not UTF-8 the
// message must still be valid UTF-8, or the client's parser rejects the whole
// response and the stream with it.
TEST(BidiStreamEnd2endTest, ErrorQuotingInvalidUtf8KeepsTheStreamUsable) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  grpc::Status status = Exchange(*stub,
                                 {MakeRequest("sensors", "caf\xE9,1,20,40,1000,0.1", 1),
                                  MakeRequest("sensors", "s1,2,21,41,1001,0.2", 2)},
                                 &responses);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(responses.size(), 2u);
  ASSERT_TRUE(responses[0].has_error());
  EXPECT_EQ(responses[0].error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(responses[0].error().message().find("\\xE9"), std::string::npos)
      << responses[0].error().message();
  EXPECT_FALSE(responses.back().has_error());  // The summary of the good reading.
}

TEST(BidiStreamEnd2endTest, TokensModelStreamsTokensWithFinalMarker) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  ASSERT_TRUE(Exchange(*stub,
                       {MakeRequest("tokens", "hello", 1, {{"max_tokens", "5"}}),
                        MakeRequest("tokens", "again", 2, {{"max_tokens", "3"}})},
                       &responses)
                  .ok());
  ASSERT_EQ(responses.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(responses[i].request_sequence(), i < 5 ? 1u : 2u);
    EXPECT_EQ(responses[i].final(), i == 4 || i == 7) << i;
    EXPECT_FALSE(responses[i].payload().empty());
  }
}

// A cancel fails the pending read; that must reach the model as a cancel,
// not as a half-close it would finish work for. An inline model with no
// request in flight is where a half-close would otherwise win the race.
TEST(BidiStreamEnd2endTest, CancelIsNeverMistakenForHalfClose) {
  TestServer server;
  auto stub = server.NewStub();
  for (int i = 0; i < 20; ++i) {
    grpc::ClientContext context;
    auto stream = stub->Stream(&context);
    ASSERT_TRUE(stream->Write(MakeRequest("generator_inline", "go", 1, {{"count", "1"}})));
    InferResponse response;
    ASSERT_TRUE(stream->Read(&response)) << stream->Finish().error_message();
    ASSERT_TRUE(response.final());  // The request is done; only the read is pending.
    context.TryCancel();
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  server.engine().Shutdown(std::chrono::seconds(5));
  EXPECT_EQ(server.inline_probe->half_closes.load(), 0);
  EXPECT_EQ(server.engine().Stats().sessions_cancelled, 20);
}

TEST(BidiStreamEnd2endTest, OversizedPayloadGetsErrorAndOtherStreamsContinue) {
  EngineOptions options = TestServer::DefaultOptions();
  options.max_payload_bytes = 1024;
  options.max_message_bytes = 64 << 10;
  TestServer server(options);
  auto stub = server.NewStub();

  // Over the engine's payload limit: an error response, the stream stays open.
  std::vector<InferResponse> responses;
  ASSERT_TRUE(
      Exchange(*stub,
               {MakeRequest("echo", "small", 1), MakeRequest("echo", std::string(2048, 'x'), 2),
                MakeRequest("echo", "after", 3)},
               &responses)
          .ok());
  ASSERT_EQ(responses.size(), 3u);
  ASSERT_TRUE(responses[1].has_error());
  EXPECT_EQ(responses[1].error().code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(responses[1].error().message().find("2048 bytes exceeds the limit of 1024"),
            std::string::npos)
      << responses[1].error().message();
  EXPECT_EQ(responses[2].payload(), "after");

  // Over the transport's message limit: gRPC ends that stream only.
  std::vector<InferResponse> ignored;
  grpc::Status status = Exchange(
      *stub, {MakeRequest("echo", "a", 1), MakeRequest("echo", std::string(128 << 10, 'y'), 2)},
      &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  std::vector<InferResponse> later;
  EXPECT_TRUE(Exchange(*stub, {MakeRequest("echo", "still serving", 1)}, &later).ok());
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].payload(), "still serving");
}

TEST(BidiStreamEnd2endTest, SlowReaderNeverOverfillsTheOutboundWindow) {
  EngineOptions options = TestServer::DefaultOptions();
  options.outbound_window = 4;
  TestServer server(options);
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto stream = stub->Stream(&context);
  // 256 KiB responses, endless: HTTP/2 flow control fills within a few, then
  // writes stall and the window must stop the model.
  ASSERT_TRUE(stream->Write(MakeRequest("big", "go")));
  server.big_probe->saw_full_window.Wait();  // The model was paused.
  InferResponse response;
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(stream->Read(&response));  // Read slowly, a few.
  context.TryCancel();
  while (stream->Read(&response)) {
  }
  (void)stream->Finish();
  server.big_probe->session_destroyed.Wait();
  server.engine().Shutdown(std::chrono::seconds(5));
  const EngineStats stats = server.engine().Stats();
  EXPECT_GT(stats.outbound_window_peak, 0);
  EXPECT_LE(stats.outbound_window_peak, 4);
  // Whatever the model emitted was either written or sat in the window.
  EXPECT_LE(server.big_probe->emitted.load(), stats.messages_sent + 4);
}

TEST(BidiStreamEnd2endTest, ModelFailuresCloseOnlyTheirStream) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  grpc::Status thrown = Exchange(
      *stub, {MakeRequest("faulty", "ok", 1), MakeRequest("faulty", "throw", 2)}, &responses);
  EXPECT_EQ(thrown.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(thrown.error_message().find("model exploded"), std::string::npos);
  ASSERT_EQ(responses.size(), 1u);  // The answer accepted before the failure arrived.

  responses.clear();
  grpc::Status failed = Exchange(*stub, {MakeRequest("faulty", "fail", 1)}, &responses);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(failed.error_message(), "the model's backend is down");

  responses.clear();
  grpc::Status unopenable = Exchange(*stub, {MakeRequest("unopenable", "x", 1)}, &responses);
  EXPECT_EQ(unopenable.error_code(), grpc::StatusCode::UNAVAILABLE);

  responses.clear();
  ASSERT_TRUE(Exchange(*stub, {MakeRequest("faulty", "error", 1), MakeRequest("faulty", "fine", 2)},
                       &responses)
                  .ok());
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(responses[1].payload(), "fine");

  // A model that failed was closed, not also cancelled.
  server.engine().Shutdown(std::chrono::seconds(5));
  EXPECT_EQ(server.engine().Stats().sessions_cancelled, 0);
}

TEST(BidiStreamEnd2endTest, ShutdownWithOpenStreamsEndsEveryOneWithAStatus) {
  auto server = std::make_unique<TestServer>();
  auto stub = server->NewStub();
  constexpr int kStreams = 8;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReaderWriter<InferRequest, InferResponse>>> streams;
  for (int i = 0; i < kStreams; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    streams.push_back(stub->Stream(contexts.back().get()));
    // Paced and endless: these streams never finish on their own.
    ASSERT_TRUE(streams.back()->Write(MakeRequest("generator", "go", 1, {{"pace_ms", "10"}})));
    InferResponse first;
    ASSERT_TRUE(streams.back()->Read(&first));
  }
  EXPECT_EQ(server->engine().Stats().streams_active, kStreams);
  std::thread stopper([&] { server->engine().Shutdown(std::chrono::milliseconds(200)); });
  for (auto& stream : streams) {
    InferResponse response;
    while (stream->Read(&response)) {
    }
    grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    EXPECT_NE(status.error_message().find("shutting down"), std::string::npos);
  }
  stopper.join();
  server.reset();  // Asserts nothing outlived the shutdown.
}

TEST(BidiStreamEnd2endTest, ShutdownLetsFinishingStreamsComplete) {
  auto server = std::make_unique<TestServer>();
  auto stub = server->NewStub();
  grpc::ClientContext context;
  auto stream = stub->Stream(&context);
  ASSERT_TRUE(
      stream->Write(MakeRequest("generator", "go", 1, {{"count", "20"}, {"pace_ms", "5"}})));
  InferResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::thread stopper([&] { server->engine().Shutdown(std::chrono::seconds(30)); });
  stream->WritesDone();
  int received = 1;
  while (stream->Read(&response)) ++received;
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(received, 20);  // Everything accepted was delivered.
  stopper.join();
}

}  // namespace
}  // namespace sluice::testing
