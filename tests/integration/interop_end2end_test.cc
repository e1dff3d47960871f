// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The gRPC interop cases (grpc/doc/interop-test-descriptions.md) that apply to
// sluice.v1.Inference, adapted to its four methods: Infer stands for UnaryCall,
// Generate for StreamingOutputCall, Ingest for StreamingInputCall and Stream
// for FullDuplexCall. The "interop" model plays the interop server's part.

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using v1::InferRequest;
using v1::InferResponse;

// The interop suite's sizes.
constexpr size_t kLargeRequest = 271828;
constexpr size_t kLargeResponse = 314159;
const std::vector<size_t> kRequestSizes = {27182, 8, 1828, 45904};
const std::vector<size_t> kResponseSizes = {31415, 9, 2653, 58979};

constexpr char kEchoInitialKey[] = "x-grpc-test-echo-initial";
constexpr char kEchoInitialValue[] = "test_initial_metadata_value";
constexpr char kEchoTrailingKey[] = "x-grpc-test-echo-trailing-bin";
const std::string kEchoTrailingValue("\x0a\x0b\x0a\x0b\x0a\x0b", 6);

std::string Zeros(size_t size) { return std::string(size, '\0'); }

// A request to the interop model for one response of `response_size` zero bytes.
InferRequest SizedRequest(size_t request_size, size_t response_size) {
  return MakeRequest("interop", Zeros(request_size), 0,
                     {{"response_size", std::to_string(response_size)}});
}

InferRequest FailingRequest(const std::string& message) {
  return MakeRequest("interop", "", 0, {{"fail_code", "2"}, {"fail_message", message}});
}

// The value of a metadata key the server sent, or "<missing>".
std::string Metadata(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                     const std::string& key) {
  auto it = metadata.find(key);
  if (it == metadata.end()) return "<missing>";
  return std::string(it->second.data(), it->second.size());
}

void AddEchoMetadata(grpc::ClientContext& context) {
  context.AddMetadata(kEchoInitialKey, kEchoInitialValue);
  context.AddMetadata(kEchoTrailingKey, kEchoTrailingValue);
}

// A channel that is connected before the test starts its clock.
std::shared_ptr<grpc::Channel> ConnectedChannel(const TestServer& server) {
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  EXPECT_TRUE(
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30)));
  return channel;
}

// A unary call by method name, so that it can name a method the server lacks.
grpc::Status GenericUnary(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& method) {
  grpc::GenericStub stub(channel);
  const std::string bytes = MakeRequest("echo", "x").SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status result) {
                   status = std::move(result);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status;
}

// sluice_streams_cancelled_total{by=`by`}, read from the engine's registry.
double StreamsCancelled(TestServer& server, const std::string& by) {
  for (const prometheus::MetricFamily& family : server.engine().metrics_registry()->Collect()) {
    if (family.name != "sluice_streams_cancelled_total") continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      if (metric.label.size() == 1 && metric.label[0].value == by) return metric.counter.value;
    }
  }
  ADD_FAILURE() << "no sluice_streams_cancelled_total{by=\"" << by << "\"}";
  return -1;
}

TEST(InteropEnd2endTest, EmptyStream) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  EXPECT_TRUE(Exchange(*stub, {}, &responses).ok());
  EXPECT_TRUE(responses.empty());
}

TEST(InteropEnd2endTest, LargeUnary) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  InferResponse response;
  ASSERT_TRUE(stub->Infer(&context, SizedRequest(kLargeRequest, kLargeResponse), &response).ok());
  EXPECT_EQ(response.parameters().at("request_bytes"), std::to_string(kLargeRequest));
  EXPECT_EQ(response.payload().size(), kLargeResponse);
  EXPECT_EQ(response.payload(), Zeros(kLargeResponse));
  EXPECT_TRUE(response.final());
}

TEST(InteropEnd2endTest, ClientStreaming) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  InferResponse response;
  auto writer = stub->Ingest(&context, &response);
  for (size_t size : kRequestSizes) {
    ASSERT_TRUE(writer->Write(MakeRequest("counter", Zeros(size))));
  }
  ASSERT_TRUE(writer->WritesDone());
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.parameters().at("requests"), "4");
  EXPECT_EQ(response.parameters().at("bytes"), "74922");
}

TEST(InteropEnd2endTest, ServerStreaming) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto reader = stub->Generate(
      &context, MakeRequest("interop", "", 0, {{"response_sizes", "31415,9,2653,58979"}}));
  std::vector<InferResponse> responses;
  InferResponse response;
  while (reader->Read(&response)) responses.push_back(response);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(responses.size(), kResponseSizes.size());
  for (size_t i = 0; i < responses.size(); ++i) {
    EXPECT_EQ(responses[i].payload(), Zeros(kResponseSizes[i])) << i;
    EXPECT_EQ(responses[i].final(), i == responses.size() - 1) << i;
  }
}

TEST(InteropEnd2endTest, PingPong) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto stream = stub->Stream(&context);
  for (size_t i = 0; i < kRequestSizes.size(); ++i) {
    ASSERT_TRUE(stream->Write(SizedRequest(kRequestSizes[i], kResponseSizes[i])));
    InferResponse response;
    ASSERT_TRUE(stream->Read(&response)) << i;
    EXPECT_EQ(response.payload(), Zeros(kResponseSizes[i])) << i;
    EXPECT_EQ(response.parameters().at("request_bytes"), std::to_string(kRequestSizes[i]));
  }
  ASSERT_TRUE(stream->WritesDone());
  InferResponse extra;
  EXPECT_FALSE(stream->Read(&extra));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(InteropEnd2endTest, CustomMetadataUnary) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  AddEchoMetadata(context);
  InferResponse response;
  ASSERT_TRUE(stub->Infer(&context, SizedRequest(kLargeRequest, kLargeResponse), &response).ok());
  EXPECT_EQ(response.payload().size(), kLargeResponse);
  EXPECT_EQ(Metadata(context.GetServerInitialMetadata(), kEchoInitialKey), kEchoInitialValue);
  EXPECT_EQ(Metadata(context.GetServerTrailingMetadata(), kEchoTrailingKey), kEchoTrailingValue);
}

TEST(InteropEnd2endTest, CustomMetadataBidi) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  AddEchoMetadata(context);
  auto stream = stub->Stream(&context);
  ASSERT_TRUE(stream->Write(SizedRequest(kLargeRequest, kLargeResponse)));
  ASSERT_TRUE(stream->WritesDone());
  InferResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.payload().size(), kLargeResponse);
  EXPECT_FALSE(stream->Read(&response));
  ASSERT_TRUE(stream->Finish().ok());
  EXPECT_EQ(Metadata(context.GetServerInitialMetadata(), kEchoInitialKey), kEchoInitialValue);
  EXPECT_EQ(Metadata(context.GetServerTrailingMetadata(), kEchoTrailingKey), kEchoTrailingValue);
}

// The model fails with the code and message the request asks for; both reach
// the client unchanged, on a single-response call and on a stream.
void ExpectStatusArrivesUnchanged(v1::Inference::Stub& stub, const std::string& message) {
  {
    grpc::ClientContext context;
    InferResponse response;
    const grpc::Status status = stub.Infer(&context, FailingRequest(message), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNKNOWN);
    EXPECT_EQ(status.error_message(), message);
  }
  {
    grpc::ClientContext context;
    auto stream = stub.Stream(&context);
    ASSERT_TRUE(stream->Write(FailingRequest(message)));
    stream->WritesDone();
    InferResponse response;
    EXPECT_FALSE(stream->Read(&response));
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNKNOWN);
    EXPECT_EQ(status.error_message(), message);
  }
}

TEST(InteropEnd2endTest, StatusCodeAndMessage) {
  TestServer server;
  auto stub = server.NewStub();
  ExpectStatusArrivesUnchanged(*stub, "test status message");
}

TEST(InteropEnd2endTest, SpecialStatusMessage) {
  TestServer server;
  auto stub = server.NewStub();
  ExpectStatusArrivesUnchanged(*stub,
                               "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP "
                               "\U0001f608\t\n");
}

TEST(InteropEnd2endTest, UnimplementedMethodAndService) {
  TestServer server;
  auto channel = ConnectedChannel(server);
  for (const char* method :
       {"/sluice.v1.Inference/NoSuchMethod", "/grpc.testing.TestService/UnimplementedCall",
        "/grpc.testing.UnimplementedService/UnimplementedCall"}) {
    EXPECT_EQ(GenericUnary(channel, method).error_code(), grpc::StatusCode::UNIMPLEMENTED)
        << method;
  }
  // The server still serves its own methods on the same connection.
  EXPECT_TRUE(GenericUnary(channel, "/sluice.v1.Inference/Infer").ok());
}

TEST(InteropEnd2endTest, CancelAfterBegin) {
  TestServer server;
  auto stub = server.NewStub();
  {
    grpc::ClientContext context;
    InferResponse response;
    auto writer = stub->Ingest(&context, &response);
    context.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // The server keeps serving on the same connection.
  grpc::ClientContext context;
  InferResponse response;
  ASSERT_TRUE(stub->Infer(&context, SizedRequest(8, 9), &response).ok());
  EXPECT_EQ(response.payload(), Zeros(9));
  // The drain waits for streams in flight to end by themselves; the cancelled
  // one (if it reached the server at all) must have ended on the cancel, not
  // have been left for the drain to abort.
  server.engine().Shutdown(std::chrono::seconds(30));
  EXPECT_EQ(StreamsCancelled(server, "server"), 0);
  EXPECT_LE(StreamsCancelled(server, "client"), 1);
  EXPECT_EQ(server.engine().Stats().streams_active, 0);
  EXPECT_EQ(server.interop_probe->sessions_opened.load(), 1);
}

TEST(InteropEnd2endTest, CancelAfterFirstResponse) {
  TestServer server;
  auto stub = server.NewStub();
  {
    grpc::ClientContext context;
    auto stream = stub->Stream(&context);
    ASSERT_TRUE(stream->Write(SizedRequest(kRequestSizes[0], kResponseSizes[0])));
    InferResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.payload().size(), kResponseSizes[0]);
    context.TryCancel();
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  server.interop_probe->cancelled.Wait();  // The model session was told.
  EXPECT_EQ(server.engine().Stats().sessions_cancelled, 1);
  // A new call is served.
  std::vector<InferResponse> responses;
  ASSERT_TRUE(
      Exchange(*stub, {SizedRequest(kRequestSizes[1], kResponseSizes[1])}, &responses).ok());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].payload(), Zeros(kResponseSizes[1]));
}

TEST(InteropEnd2endTest, TimeoutOnSleepingServer) {
  TestServer server;
  // Connected first, so that the 500 ms are the call's alone and the request
  // reaches the model well inside them.
  auto stub = v1::Inference::NewStub(ConnectedChannel(server));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  auto stream = stub->Stream(&context);
  // The model holds the request and never answers: only the deadline ends the call.
  (void)stream->Write(MakeRequest("interop", Zeros(kRequestSizes[0]), 0, {{"hold", "1"}}));
  InferResponse response;
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server ends the stream (TestServer's destructor checks that no actor
  // outlives it) and tells the model. On a machine so loaded that the
  // deadline passed before the request reached the model there is no
  // session to tell, and waiting for one would hang the test.
  const int opened = server.interop_probe->sessions_opened.load();
  EXPECT_LE(opened, 1);
  if (opened == 1) server.interop_probe->cancelled.Wait();
}

TEST(InteropEnd2endTest, ThrowingSessionIsInternalWhileOtherStreamsContinue) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext echo_context;
  auto echo = stub->Stream(&echo_context);
  ASSERT_TRUE(echo->Write(MakeRequest("echo", "before", 1)));
  InferResponse response;
  ASSERT_TRUE(echo->Read(&response));
  EXPECT_EQ(response.payload(), "before");
  {
    // Opened while the echo stream is open; its session throws.
    grpc::ClientContext context;
    auto faulty = stub->Stream(&context);
    ASSERT_TRUE(faulty->Write(MakeRequest("faulty", "throw")));
    faulty->WritesDone();
    EXPECT_FALSE(faulty->Read(&response));
    EXPECT_EQ(faulty->Finish().error_code(), grpc::StatusCode::INTERNAL);
  }
  ASSERT_TRUE(echo->Write(MakeRequest("echo", "after", 2)));
  ASSERT_TRUE(echo->Read(&response));
  EXPECT_EQ(response.payload(), "after");
  ASSERT_TRUE(echo->WritesDone());
  EXPECT_FALSE(echo->Read(&response));
  EXPECT_TRUE(echo->Finish().ok());
}

}  // namespace
}  // namespace sluice::testing
