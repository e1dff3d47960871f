// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of the Prometheus endpoint: real streams over gRPC, then a
// real HTTP scrape of /metrics, checked series by series. Exact counts are
// read after Shutdown(), which returns only once every stream has ended, so
// nothing is still in flight when the assertions run.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/metrics_scrape.h"
#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using v1::InferRequest;
using v1::InferResponse;
using Labels = std::map<std::string, std::string>;

Labels Method(const std::string& type, const std::string& method) {
  return {{"grpc_type", type}, {"grpc_service", "sluice.v1.Inference"}, {"grpc_method", method}};
}
Labels WithCode(Labels labels, const std::string& code) {
  labels["grpc_code"] = code;
  return labels;
}

const Labels kUnary = Method("unary", "Infer");
const Labels kServerStream = Method("server_stream", "Generate");
const Labels kClientStream = Method("client_stream", "Ingest");
const Labels kBidi = Method("bidi_stream", "Stream");

// TestServer records metrics but serves no endpoint (its shutdown would wait
// out civetweb's 2 s poll); these tests serve one on a free port.
EngineOptions ServedMetrics() {
  EngineOptions options = TestServer::DefaultOptions();
  options.metrics_address = "127.0.0.1:0";
  return options;
}

std::string Scrape(TestServer& server) {
  std::string error;
  std::optional<std::string> text = ScrapeMetrics(server.engine().metrics_port(), &error);
  EXPECT_TRUE(text.has_value()) << error;
  return text.value_or("");
}

// The value of a series that must exist (a missing one fails the test and reads -1).
double Value(const std::string& text, const std::string& name, const Labels& labels) {
  std::optional<double> value = SeriesValue(text, name, labels);
  EXPECT_TRUE(value.has_value()) << "no series " << name << " with the given labels";
  return value.value_or(-1);
}

grpc::Status Infer(v1::Inference::Stub& stub, const InferRequest& request, InferResponse* response,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  return stub.Infer(&context, request, response);
}

TEST(MetricsEnd2endTest, CountsEveryMessageOfEveryKindExactly) {
  TestServer server(ServedMetrics());
  auto stub = server.NewStub();

  // Bidi: 5 requests, 5 responses.
  std::vector<InferResponse> responses;
  std::vector<InferRequest> requests;
  for (int i = 1; i <= 5; ++i) requests.push_back(MakeRequest("echo", "x", i));
  ASSERT_TRUE(Exchange(*stub, requests, &responses).ok());
  ASSERT_EQ(responses.size(), 5u);

  // Unary: 3 calls.
  for (int i = 0; i < 3; ++i) {
    InferResponse response;
    ASSERT_TRUE(Infer(*stub, MakeRequest("echo", "u"), &response).ok());
  }

  // Server streaming: 1 request, as many responses as the client reads.
  int generated = 0;
  {
    grpc::ClientContext context;
    auto reader = stub->Generate(&context, MakeRequest("tokens", "hi", 1, {{"max_tokens", "6"}}));
    InferResponse response;
    while (reader->Read(&response)) ++generated;
    ASSERT_TRUE(reader->Finish().ok());
  }
  ASSERT_GT(generated, 0);

  // Client streaming: 10 requests, 1 response.
  {
    grpc::ClientContext context;
    InferResponse response;
    auto writer = stub->Ingest(&context, &response);
    for (int i = 1; i <= 10; ++i) ASSERT_TRUE(writer->Write(MakeRequest("counter", "r", i)));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }

  server.engine().Shutdown(std::chrono::seconds(5));
  const std::string text = Scrape(server);
  EXPECT_EQ(Value(text, "grpc_server_msg_received_total", kBidi), 5);
  EXPECT_EQ(Value(text, "grpc_server_msg_sent_total", kBidi), 5);
  EXPECT_EQ(Value(text, "grpc_server_msg_received_total", kUnary), 3);
  EXPECT_EQ(Value(text, "grpc_server_msg_sent_total", kUnary), 3);
  EXPECT_EQ(Value(text, "grpc_server_msg_received_total", kServerStream), 1);
  EXPECT_EQ(Value(text, "grpc_server_msg_sent_total", kServerStream), generated);
  EXPECT_EQ(Value(text, "grpc_server_msg_received_total", kClientStream), 10);
  EXPECT_EQ(Value(text, "grpc_server_msg_sent_total", kClientStream), 1);

  const std::vector<std::pair<Labels, double>> calls = {
      {kBidi, 1}, {kUnary, 3}, {kServerStream, 1}, {kClientStream, 1}};
  for (const auto& [labels, count] : calls) {
    SCOPED_TRACE(labels.at("grpc_method"));
    EXPECT_EQ(Value(text, "grpc_server_started_total", labels), count);
    EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(labels, "OK")), count);
    EXPECT_EQ(Value(text, "grpc_server_handling_seconds_count", labels), count);
    EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(labels, "Internal")), 0);
  }
  // Every response written: the first of each call timed from its start, the
  // rest as gaps.
  EXPECT_EQ(Value(text, "sluice_time_to_first_response_seconds_count", {{"model", "echo"}}), 4);
  EXPECT_EQ(Value(text, "sluice_response_gap_seconds_count", {{"model", "echo"}}), 4);
  EXPECT_EQ(Value(text, "sluice_response_gap_seconds_count", {{"model", "tokens"}}), generated - 1);
  // Echo is called once per request and once per half-close.
  EXPECT_EQ(Value(text, "sluice_model_call_seconds_count", {{"model", "echo"}}), 5 + 1 + 3 * 2);
  EXPECT_EQ(Value(text, "sluice_build_info", {{"version", "0.1.0"}}), 1);
  EXPECT_GT(Value(text, "process_resident_memory_bytes", {}), 0);
  EXPECT_GT(Value(text, "process_open_fds", {}), 0);
  EXPECT_GT(Value(text, "process_threads", {}), 1);
}

TEST(MetricsEnd2endTest, StreamGaugesFollowTheOpenStreams) {
  TestServer server(ServedMetrics());
  auto stub = server.NewStub();
  constexpr int kOpen = 3;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReaderWriter<InferRequest, InferResponse>>> streams;
  for (int i = 0; i < kOpen; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    streams.push_back(stub->Stream(contexts.back().get()));
    ASSERT_TRUE(streams.back()->Write(MakeRequest("echo", "hold", 1)));
    InferResponse response;
    ASSERT_TRUE(streams.back()->Read(&response));  // The model is selected by now.
  }
  // A stream that has not named its model yet counts under model "".
  grpc::ClientContext silent_context;
  auto silent = stub->Stream(&silent_context);
  ASSERT_TRUE(silent->Write(MakeRequest("nope", "unknown model")));
  EXPECT_EQ(silent->Finish().error_code(), grpc::StatusCode::NOT_FOUND);

  std::string text = Scrape(server);
  EXPECT_EQ(Value(text, "sluice_streams_active", {{"grpc_method", "Stream"}, {"model", "echo"}}),
            kOpen);
  EXPECT_EQ(Value(text, "sluice_streams_active", {{"grpc_method", "Infer"}, {"model", ""}}), 0);
  // Each response was written before the client read it, so nothing is in
  // flight toward the model and every window is empty.
  EXPECT_EQ(Value(text, "sluice_credits_in_use", {{"model", "echo"}}), 0);
  EXPECT_EQ(Value(text, "sluice_credits_available", {{"model", "echo"}}),
            kOpen * TestServer::DefaultOptions().credits_per_stream);
  EXPECT_EQ(Value(text, "sluice_outbound_window_occupancy", {{"model", "echo"}}), 0);
  EXPECT_EQ(Value(text, "sluice_outbound_window_capacity", {{"model", "echo"}}),
            kOpen * TestServer::DefaultOptions().outbound_window);

  for (auto& stream : streams) {
    stream->WritesDone();
    EXPECT_TRUE(stream->Finish().ok());
  }
  server.engine().Shutdown(std::chrono::seconds(5));
  text = Scrape(server);
  EXPECT_EQ(Value(text, "sluice_streams_active", {{"grpc_method", "Stream"}, {"model", ""}}), 0);
  EXPECT_FALSE(
      SeriesValue(text, "sluice_streams_active", {{"grpc_method", "Stream"}, {"model", "echo"}})
          .has_value());
  EXPECT_EQ(Value(text, "sluice_mailbox_depth", {}), 0);
  EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(kBidi, "OK")), kOpen);
  EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(kBidi, "NotFound")), 1);
}

// A stream held back by its byte budget shows no credit available, though
// its request count would allow more: the saturation alert sees it.
TEST(MetricsEnd2endTest, SpentByteBudgetShowsNoCreditAvailable) {
  EngineOptions options = ServedMetrics();
  options.credits_per_stream = 64;
  options.credit_bytes_per_stream = 1024;
  TestServer server(options);
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto stream = stub->Stream(&context);
  ASSERT_TRUE(stream->Write(MakeRequest("gate", std::string(2000, 'b'), 1)));
  server.gate->WaitUntilHeld(1);

  const std::string text = Scrape(server);
  EXPECT_EQ(Value(text, "sluice_credits_in_use", {{"model", "gate"}}), 1);
  EXPECT_EQ(Value(text, "sluice_credits_available", {{"model", "gate"}}), 0);

  server.gate->Open();
  InferResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.payload().size(), 2000u);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(MetricsEnd2endTest, ErrorsAndCancellationsAreCountedByCodeAndCause) {
  EngineOptions options = ServedMetrics();
  options.max_payload_bytes = 1024;
  options.max_message_bytes = 64 << 10;
  TestServer server(options);
  auto stub = server.NewStub();
  InferResponse response;

  EXPECT_EQ(Infer(*stub, MakeRequest("nope", "x"), &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Infer(*stub, MakeRequest("faulty", "error"), &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Infer(*stub, MakeRequest("faulty", "fail"), &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // The deadline passes while the model waits for a bell that never rings.
  EXPECT_EQ(Infer(*stub, MakeRequest("doorbell", ""), &response, std::chrono::milliseconds(100))
                .error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);

  // Rejected by the engine, answered in the stream, which carries on.
  std::vector<InferResponse> responses;
  ASSERT_TRUE(Exchange(*stub,
                       {MakeRequest("echo", std::string(2048, 'x'), 1),
                        MakeRequest("echo", "t", 2, {{"timestamp", "soon"}}),
                        MakeRequest("tokens", "other model", 3)},
                       &responses)
                  .ok());
  ASSERT_EQ(responses.size(), 3u);

  // The client walks away from an endless generation.
  {
    grpc::ClientContext context;
    auto reader = stub->Generate(&context, MakeRequest("generator", "go"));
    ASSERT_TRUE(reader->Read(&response));
    context.TryCancel();
    while (reader->Read(&response)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }

  server.engine().Shutdown(std::chrono::seconds(5));
  const std::string text = Scrape(server);
  EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(kUnary, "NotFound")), 1);
  EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(kUnary, "InvalidArgument")), 1);
  EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(kUnary, "Unavailable")), 1);
  EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(kUnary, "DeadlineExceeded")), 1);
  EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(kServerStream, "Canceled")), 1);
  EXPECT_EQ(Value(text, "grpc_server_handled_total", WithCode(kBidi, "OK")), 1);
  EXPECT_EQ(Value(text, "sluice_model_errors_total", {{"model", "faulty"}, {"kind", "response"}}),
            1);
  EXPECT_EQ(Value(text, "sluice_model_errors_total", {{"model", "faulty"}, {"kind", "fatal"}}), 1);
  EXPECT_EQ(Value(text, "sluice_model_errors_total", {{"model", "echo"}, {"kind", "response"}}), 0);
  EXPECT_EQ(Value(text, "sluice_requests_rejected_total", {{"reason", "payload_too_large"}}), 1);
  EXPECT_EQ(Value(text, "sluice_requests_rejected_total", {{"reason", "bad_timestamp"}}), 1);
  EXPECT_EQ(Value(text, "sluice_requests_rejected_total", {{"reason", "model_mismatch"}}), 1);
  EXPECT_EQ(Value(text, "sluice_streams_cancelled_total", {{"by", "client"}}), 1);
  EXPECT_EQ(Value(text, "sluice_streams_cancelled_total", {{"by", "deadline"}}), 1);
  EXPECT_EQ(Value(text, "sluice_streams_cancelled_total", {{"by", "server"}}), 0);
}

TEST(MetricsEnd2endTest, ServesTheEmbeddersRegistryBesideTheEngines) {
  EngineOptions options = ServedMetrics();
  options.metrics_registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter()
      .Name("embedder_widgets_total")
      .Help("Widgets the embedding application made.")
      .Register(*options.metrics_registry)
      .Add({})
      .Increment(7);
  TestServer server(options);
  EXPECT_EQ(server.engine().metrics_registry(), options.metrics_registry);
  const std::string text = Scrape(server);
  EXPECT_EQ(Value(text, "embedder_widgets_total", {}), 7);
  EXPECT_EQ(Value(text, "grpc_server_started_total", kUnary), 0);
}

TEST(MetricsEnd2endTest, MetricsOffRecordsAndServesNothing) {
  EngineOptions options = ServedMetrics();
  options.enable_metrics = false;
  TestServer server(options);
  EXPECT_EQ(server.engine().metrics_port(), 0);
  EXPECT_EQ(server.engine().metrics_registry(), nullptr);
  EXPECT_TRUE(server.engine().metrics_collectables().empty());
  auto stub = server.NewStub();
  InferResponse response;
  EXPECT_TRUE(Infer(*stub, MakeRequest("echo", "still serves"), &response).ok());
}

TEST(MetricsEnd2endTest, MetricsAddressInUseFailsStartWithAClearStatus) {
  // Hold a listening socket on a free port, then ask the engine for it.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int taken = ntohs(address.sin_port);

  EngineOptions options = ServedMetrics();
  options.metrics_address = "127.0.0.1:" + std::to_string(taken);
  auto engine = Engine::Create(options);
  ASSERT_TRUE(engine.ok());
  const absl::Status status = (*engine)->Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("cannot serve metrics on 127.0.0.1:" + std::to_string(taken)),
            std::string::npos)
      << status.message();
  close(fd);
}

}  // namespace
}  // namespace sluice::testing
