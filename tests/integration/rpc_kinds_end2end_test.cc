// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of the unary (Infer), server-streaming (Generate) and
// client-streaming (Ingest) methods: the same actor, credits, window,
// cancellation, deadline and error rules as the bidi Stream method.

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using v1::InferRequest;
using v1::InferResponse;

grpc::Status Infer(v1::Inference::Stub& stub, const InferRequest& request, InferResponse* response,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  return stub.Infer(&context, request, response);
}

grpc::Status Ingest(v1::Inference::Stub& stub, const std::vector<InferRequest>& requests,
                    InferResponse* response) {
  grpc::ClientContext context;
  auto writer = stub.Ingest(&context, response);
  for (const auto& request : requests) {
    if (!writer->Write(request)) break;
  }
  writer->WritesDone();
  return writer->Finish();
}

// `count` Ingest requests to the counter model, each with `payload_bytes` of payload.
std::vector<InferRequest> CounterRequests(int count, size_t payload_bytes) {
  std::vector<InferRequest> requests;
  requests.reserve(count);
  for (int i = 1; i <= count; ++i) {
    requests.push_back(MakeRequest(i == 1 ? "counter" : "", std::string(payload_bytes, 'r'), i));
  }
  return requests;
}

// What IngestCounterRequests() saw: the counter's one response, and the
// engine's counters once it has stopped.
struct CountedIngest {
  InferResponse response;
  EngineStats stats;
};

// Ingests CounterRequests(count, payload_bytes) on a server with `options`,
// checks that the counter saw every request and byte, then stops the engine.
void IngestCounterRequests(const EngineOptions& options, int count, size_t payload_bytes,
                           CountedIngest* result) {
  TestServer server(options);
  auto stub = server.NewStub();
  ASSERT_TRUE(Ingest(*stub, CounterRequests(count, payload_bytes), &result->response).ok());
  EXPECT_EQ(result->response.parameters().at("requests"), std::to_string(count));
  EXPECT_EQ(result->response.parameters().at("bytes"), std::to_string(count * payload_bytes));
  server.engine().Shutdown(std::chrono::seconds(5));
  result->stats = server.engine().Stats();
}

// ---- Unary ------------------------------------------------------------------

TEST(RpcKindsEnd2endTest, UnaryEchoCarriesSessionFields) {
  TestServer server;
  auto stub = server.NewStub();
  InferRequest request = MakeRequest("echo", "hello", 7, {{"k", "v"}});
  request.set_stream_id("s-1");
  InferResponse response;
  ASSERT_TRUE(Infer(*stub, request, &response).ok());
  EXPECT_EQ(response.payload(), "hello");
  EXPECT_EQ(response.parameters().at("k"), "v");
  EXPECT_EQ(response.stream_id(), "s-1");
  EXPECT_EQ(response.sequence(), 1u);
  EXPECT_EQ(response.request_sequence(), 7u);
  EXPECT_EQ(response.timestamp(), 0);
  EXPECT_TRUE(response.final());
  EXPECT_EQ(response.model(), "echo");
  server.engine().Shutdown(std::chrono::seconds(5));
  EXPECT_EQ(server.engine().Stats().messages_received, 1);
  EXPECT_EQ(server.engine().Stats().messages_sent, 1);
}

TEST(RpcKindsEnd2endTest, UnaryOnPooledAndInlineModelsUnderConcurrency) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string payload = std::to_string(t) + "/" + std::to_string(i);
        InferResponse response;
        if (Infer(*stub, MakeRequest(i % 2 ? "echo" : "echo_pool", payload), &response).ok() &&
            response.payload() == payload) {
          ok.fetch_add(1);
        }
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok.load(), 800);
}

TEST(RpcKindsEnd2endTest, UnaryErrorsBecomeTheCallStatus) {
  TestServer server;
  auto stub = server.NewStub();
  InferResponse response;
  grpc::Status status = Infer(*stub, MakeRequest("nope", "x"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("'nope'"), std::string::npos);

  status = Infer(*stub, MakeRequest("", "x"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  status = Infer(*stub, MakeRequest("echo", "x", 1, {{"timestamp", "soon"}}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("'timestamp'"), std::string::npos);

  status = Infer(*stub, MakeRequest("faulty", "error"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "the model rejects this input");

  status = Infer(*stub, MakeRequest("faulty", "fail"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);

  status = Infer(*stub, MakeRequest("faulty", "throw"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);

  // A generator answers many times: not a valid unary answer.
  status = Infer(*stub, MakeRequest("generator", "x", 1, {{"count", "3"}}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("more than one response for a unary call"),
            std::string::npos);

  // ...and one that answers nothing is not either.
  status = Infer(*stub, MakeRequest("generator", "x", 1, {{"count", "0"}}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("returned no response"), std::string::npos);

  // The server still serves.
  ASSERT_TRUE(Infer(*stub, MakeRequest("echo", "after"), &response).ok());
  EXPECT_EQ(response.payload(), "after");
}

TEST(RpcKindsEnd2endTest, UnaryOversizedPayloadIsResourceExhausted) {
  EngineOptions options = TestServer::DefaultOptions();
  options.max_payload_bytes = 100;
  TestServer server(options);
  auto stub = server.NewStub();
  InferResponse response;
  grpc::Status status = Infer(*stub, MakeRequest("echo", std::string(101, 'x')), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("max_payload_bytes"), std::string::npos);
}

TEST(RpcKindsEnd2endTest, UnaryDeadlineCancelsTheModel) {
  TestServer server;
  auto stub = server.NewStub();
  InferResponse response;
  // The doorbell waits for rings that never come: only the deadline ends it.
  grpc::Status status =
      Infer(*stub, MakeRequest("doorbell", ""), &response, std::chrono::milliseconds(200));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  server.doorbell_probe->cancelled.Wait();
}

// ---- Server streaming -----------------------------------------------------

TEST(RpcKindsEnd2endTest, GenerateStreamsTokensWithFinalMarker) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto reader = stub->Generate(&context, MakeRequest("tokens", "hello", 4, {{"max_tokens", "6"}}));
  std::vector<InferResponse> responses;
  InferResponse response;
  while (reader->Read(&response)) responses.push_back(response);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(responses.size(), 6u);
  for (size_t i = 0; i < responses.size(); ++i) {
    EXPECT_EQ(responses[i].sequence(), i + 1);
    EXPECT_EQ(responses[i].request_sequence(), 4u);
    EXPECT_EQ(responses[i].final(), i == 5);
  }
}

TEST(RpcKindsEnd2endTest, GenerateErrorBecomesTheCallStatus) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto reader = stub->Generate(&context, MakeRequest("tokens", "x", 1, {{"max_tokens", "lots"}}));
  InferResponse response;
  EXPECT_FALSE(reader->Read(&response));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("'max_tokens'"), std::string::npos);
}

TEST(RpcKindsEnd2endTest, GenerateSlowReaderKeepsTheWindowBounded) {
  EngineOptions options = TestServer::DefaultOptions();
  options.outbound_window = 3;
  TestServer server(options);
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto reader = stub->Generate(&context, MakeRequest("big", "go"));  // Endless 256 KiB chunks.
  server.big_probe->saw_full_window.Wait();  // The model was paused by the window.
  InferResponse response;
  for (int i = 0; i < 32; ++i) ASSERT_TRUE(reader->Read(&response));
  context.TryCancel();
  while (reader->Read(&response)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  server.big_probe->cancelled.Wait();
  server.engine().Shutdown(std::chrono::seconds(5));
  EXPECT_LE(server.engine().Stats().outbound_window_peak, 3);
  EXPECT_LE(server.big_probe->emitted.load(), server.engine().Stats().messages_sent + 3);
}

TEST(RpcKindsEnd2endTest, GenerateDeadlineAndUnknownModel) {
  TestServer server;
  auto stub = server.NewStub();
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    auto reader = stub->Generate(&context, MakeRequest("generator", "go", 1, {{"pace_ms", "20"}}));
    InferResponse response;
    while (reader->Read(&response)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    server.generator_probe->cancelled.Wait();
  }
  {
    grpc::ClientContext context;
    auto reader = stub->Generate(&context, MakeRequest("nope", "go"));
    InferResponse response;
    EXPECT_FALSE(reader->Read(&response));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
  }
}

// ---- Client streaming -----------------------------------------------------

TEST(RpcKindsEnd2endTest, IngestCountsEveryRequestAndHoldsBackAFastSender) {
  EngineOptions options = TestServer::DefaultOptions();
  options.credits_per_stream = 4;
  constexpr int kRequests = 20000;
  CountedIngest run;
  ASSERT_NO_FATAL_FAILURE(IngestCounterRequests(options, kRequests, 100, &run));
  EXPECT_EQ(run.response.request_sequence(), static_cast<uint64_t>(kRequests));
  EXPECT_TRUE(run.response.final());
  EXPECT_EQ(run.stats.messages_received, kRequests);
  EXPECT_LE(run.stats.credits_in_use_peak, 4);  // Credits held the sender back.
}

// The byte budget holds a stream of large requests to what fits in it,
// though the request count would allow more.
TEST(RpcKindsEnd2endTest, IngestHoldsBackLargeRequestsByBytes) {
  EngineOptions options = TestServer::DefaultOptions();
  options.credits_per_stream = 64;
  options.credit_bytes_per_stream = 4096;
  constexpr int kRequests = 5000;
  CountedIngest run;
  ASSERT_NO_FATAL_FAILURE(IngestCounterRequests(options, kRequests, 1000, &run));
  EXPECT_EQ(run.stats.messages_received, kRequests);
  // Each request is over 1000 bytes serialized: the fifth read starts under
  // 4096 bytes in flight, and no sixth can.
  EXPECT_LE(run.stats.credits_in_use_peak, 5);
}

// A request larger than the whole byte budget is still read, but alone.
TEST(RpcKindsEnd2endTest, IngestReadsARequestLargerThanTheBudgetAlone) {
  EngineOptions options = TestServer::DefaultOptions();
  options.credits_per_stream = 64;
  options.credit_bytes_per_stream = 1024;
  CountedIngest run;
  ASSERT_NO_FATAL_FAILURE(IngestCounterRequests(options, 200, 10000, &run));
  EXPECT_EQ(run.stats.credits_in_use_peak, 1);
}

TEST(RpcKindsEnd2endTest, IngestErrorsNameTheRequest) {
  TestServer server;
  auto stub = server.NewStub();
  InferResponse response;
  grpc::Status status = Ingest(*stub,
                               {MakeRequest("counter", "a", 1), MakeRequest("", "b", 2),
                                MakeRequest("", "c", 3, {{"timestamp", "-5"}})},
                               &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("request 3: timestamp -5 is not greater"),
            std::string::npos)
      << status.error_message();

  status = Ingest(*stub, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("carried no request"), std::string::npos);

  // A model that answers every request is not a valid client-streaming answer.
  status = Ingest(*stub,
                  {MakeRequest("generator", "a", 1, {{"count", "1"}}),
                   MakeRequest("", "b", 2, {{"count", "1"}})},
                  &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("more than one response for a client-streaming call"),
            std::string::npos);

  // A model that does not serve a kind says so, and which kinds it serves.
  status = Infer(*stub, MakeRequest("tokens", "x"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_NE(status.error_message().find("Generate, Stream"), std::string::npos);
}

TEST(RpcKindsEnd2endTest, IngestEchoAnswersOnceWithTheLastRequest) {
  TestServer server;
  auto stub = server.NewStub();
  InferResponse response;
  ASSERT_TRUE(
      Ingest(*stub, {MakeRequest("echo", "a", 1), MakeRequest("", "b", 2)}, &response).ok());
  EXPECT_EQ(response.payload(), "b");
  EXPECT_EQ(response.parameters().at("requests"), "2");
  EXPECT_EQ(response.request_sequence(), 2u);
}

TEST(RpcKindsEnd2endTest, IngestCancelReachesTheModel) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  InferResponse response;
  auto writer = stub->Ingest(&context, &response);
  ASSERT_TRUE(writer->Write(MakeRequest("doorbell", "")));  // Waits for rings forever.
  server.doorbell_probe->waiting.Wait();
  context.TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  server.doorbell_probe->cancelled.Wait();
}

}  // namespace
}  // namespace sluice::testing
