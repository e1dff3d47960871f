// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Admission control end to end: limits on streams and requests in flight,
// server-wide, per model and per tenant, refuse exactly the excess with
// RESOURCE_EXHAUSTED, a message naming the limit and a
// grpc-retry-pushback-ms trailer, before any model work.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

std::string Trailer(const grpc::ClientContext& context, const std::string& key) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find(key);
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

// A unary call left in flight, answered when the gate opens.
struct PendingInfer {
  grpc::ClientContext context;
  v1::InferRequest request;
  v1::InferResponse response;
  grpc::Status status;
  absl::Notification done;
};

std::unique_ptr<PendingInfer> StartInfer(v1::Inference::Stub& stub, const std::string& payload) {
  auto call = std::make_unique<PendingInfer>();
  call->request = MakeRequest("gate", payload);
  PendingInfer* raw = call.get();
  stub.async()->Infer(&raw->context, &raw->request, &raw->response, [raw](grpc::Status status) {
    raw->status = std::move(status);
    raw->done.Notify();
  });
  return call;
}

TEST(AdmissionEnd2endTest, ServerRequestLimitRefusesExactlyTheExcessWithPushback) {
  EngineOptions options = TestServer::DefaultOptions();
  options.admission.max_requests_in_flight = 3;
  options.admission.retry_pushback = std::chrono::milliseconds(250);
  TestServer server(options);
  auto stub = server.NewStub();
  std::vector<std::unique_ptr<PendingInfer>> held;
  for (int i = 0; i < 3; ++i) held.push_back(StartInfer(*stub, "held-" + std::to_string(i)));
  server.gate->WaitUntilHeld(3);

  for (const char* model : {"gate", "echo"}) {  // Any model: the limit is server-wide.
    grpc::ClientContext context;
    v1::InferResponse response;
    const grpc::Status status = stub->Infer(&context, MakeRequest(model, "over"), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(status.error_message(),
                HasSubstr("limit of 3 requests in flight (limits.max_requests_in_flight)"));
    EXPECT_THAT(status.error_message(), HasSubstr("retry after 250 ms"));
    EXPECT_EQ(Trailer(context, "grpc-retry-pushback-ms"), "250");
  }
  EXPECT_EQ(server.gate->sessions_opened.load(), 3);  // Refused before any model work.

  server.gate->Open();
  for (auto& call : held) {
    call->done.WaitForNotification();
    EXPECT_TRUE(call->status.ok()) << call->status.error_message();
  }
  // The released slots admit again.
  grpc::ClientContext context;
  v1::InferResponse response;
  EXPECT_TRUE(stub->Infer(&context, MakeRequest("gate", "after"), &response).ok());
  EXPECT_EQ(response.payload(), "after");
}

TEST(AdmissionEnd2endTest, TenantStreamLimitRefusesOnlyThatTenant) {
  EngineOptions options = TestServer::DefaultOptions();
  options.admission.tenant_metadata_key = "x-tenant";
  options.admission.max_streams_per_tenant = 2;
  TestServer server(options);
  auto stub = server.NewStub();

  struct OpenStream {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReaderWriter<v1::InferRequest, v1::InferResponse>> stream;
  };
  auto open = [&](const std::string& tenant, OpenStream& call) {
    call.context.AddMetadata("x-tenant", tenant);
    call.stream = stub->Stream(&call.context);
    v1::InferResponse response;
    if (!call.stream->Write(MakeRequest("ledger", "x", 1))) return false;
    return call.stream->Read(&response);  // Admitted and answered.
  };
  OpenStream a1, a2, a3, b1;
  ASSERT_TRUE(open("a", a1));
  ASSERT_TRUE(open("a", a2));
  EXPECT_FALSE(open("a", a3));
  const grpc::Status refused = a3.stream->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("tenant 'a' is at its limit of 2 concurrent streams "
                        "(limits.max_streams_per_tenant)"));
  EXPECT_EQ(Trailer(a3.context, "grpc-retry-pushback-ms"), "1000");
  ASSERT_TRUE(open("b", b1));  // Another tenant is not affected.

  ASSERT_TRUE(a1.stream->WritesDone());
  v1::InferResponse response;
  EXPECT_FALSE(a1.stream->Read(&response));
  EXPECT_TRUE(a1.stream->Finish().ok());
  OpenStream a4;
  EXPECT_TRUE(open("a", a4));  // a1's slot is free again.
  for (OpenStream* call : {&a2, &b1, &a4}) {
    ASSERT_TRUE(call->stream->WritesDone());
    while (call->stream->Read(&response)) {
    }
    EXPECT_TRUE(call->stream->Finish().ok());
  }
}

TEST(AdmissionEnd2endTest, ModelStreamLimitRefusesBeforeTheSessionIsCreated) {
  TestServer server;
  ASSERT_TRUE(server.engine()
                  .ReplaceModels({{.name = "ledger", .model = server.ledger, .max_streams = 1},
                                  {.name = "echo", .model = server.ledger}})
                  .ok());
  auto stub = server.NewStub();
  grpc::ClientContext first_context;
  auto first = stub->Stream(&first_context);
  ASSERT_TRUE(first->Write(MakeRequest("ledger", "x", 1)));
  v1::InferResponse response;
  ASSERT_TRUE(first->Read(&response));

  grpc::ClientContext second_context;
  auto second = stub->Stream(&second_context);
  ASSERT_TRUE(second->Write(MakeRequest("ledger", "y", 1)));
  EXPECT_FALSE(second->Read(&response));
  const grpc::Status status = second->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("model 'ledger' is at its limit of 1 concurrent streams "
                        "(models[].max_streams)"));
  EXPECT_EQ(Trailer(second_context, "grpc-retry-pushback-ms"), "1000");
  EXPECT_EQ(server.ledger->sessions_opened.load(), 1);

  ASSERT_TRUE(first->WritesDone());
  EXPECT_FALSE(first->Read(&response));
  EXPECT_TRUE(first->Finish().ok());
}

using BidiStream = grpc::ClientReaderWriter<v1::InferRequest, v1::InferResponse>;

struct HeldStream {
  grpc::ClientContext context;
  std::unique_ptr<BidiStream> stream;
};

// Opens streams whose one request each the gate holds.
void HoldAtGate(TestServer& server, v1::Inference::Stub& stub, HeldStream* streams, int count) {
  for (int i = 0; i < count; ++i) {
    streams[i].stream = stub.Stream(&streams[i].context);
    ASSERT_TRUE(streams[i].stream->Write(MakeRequest("gate", "held", 1)));
  }
  server.gate->WaitUntilHeld(count);
}

void ReleaseFromGate(TestServer& server, HeldStream* streams, int count) {
  server.gate->Open();
  for (int i = 0; i < count; ++i) {
    v1::InferResponse response;
    ASSERT_TRUE(streams[i].stream->Read(&response));
    EXPECT_EQ(response.payload(), "held");
    ASSERT_TRUE(streams[i].stream->WritesDone());
    EXPECT_FALSE(streams[i].stream->Read(&response));
    EXPECT_TRUE(streams[i].stream->Finish().ok());
  }
}

TEST(AdmissionEnd2endTest, ModelRequestLimitRefusesAStreamWhoseFirstRequestIsOver) {
  TestServer server;
  ASSERT_TRUE(
      server.engine()
          .ReplaceModels({{.name = "gate", .model = server.gate, .max_requests_in_flight = 2}})
          .ok());
  auto stub = server.NewStub();
  HeldStream held[2];
  HoldAtGate(server, *stub, held, 2);

  grpc::ClientContext context;
  auto stream = stub->Stream(&context);
  ASSERT_TRUE(stream->Write(MakeRequest("gate", "over", 1)));
  v1::InferResponse response;
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("model 'gate' is at its limit of 2 requests in flight "
                        "(models[].max_requests_in_flight)"));
  EXPECT_EQ(Trailer(context, "grpc-retry-pushback-ms"), "1000");
  EXPECT_EQ(server.gate->sessions_opened.load(), 2);  // No session for the refused stream.
  ReleaseFromGate(server, held, 2);
}

TEST(AdmissionEnd2endTest, RequestOverTheLimitOnAnOpenStreamGetsAnErrorAndIsNotRun) {
  EngineOptions options = TestServer::DefaultOptions();
  options.admission.max_requests_in_flight = 2;
  TestServer server(options);
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto stream = stub->Stream(&context);
  v1::InferResponse response;
  ASSERT_TRUE(stream->Write(MakeRequest("ledger", "first", 1)));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.parameters().at("n"), "1");

  HeldStream held[2];
  HoldAtGate(server, *stub, held, 2);  // The server is at its limit now.
  ASSERT_TRUE(stream->Write(MakeRequest("ledger", "over", 2)));
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(response.has_error());
  EXPECT_EQ(response.error().code(), static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_THAT(response.error().message(),
              HasSubstr("the server is at its limit of 2 requests in flight "
                        "(limits.max_requests_in_flight); retry after 1000 ms"));
  EXPECT_EQ(response.request_sequence(), 2u);
  ReleaseFromGate(server, held, 2);

  // The stream stayed open, and the refused request never reached the model.
  ASSERT_TRUE(stream->Write(MakeRequest("ledger", "retried", 3)));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.payload(), "retried");
  EXPECT_EQ(response.parameters().at("n"), "2");
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(AdmissionEnd2endTest, ModelPastItsTimeLimitEndsTheCallWithDeadlineExceeded) {
  TestServer server;
  ASSERT_TRUE(server.engine()
                  .ReplaceModels({{.name = "doorbell",
                                   .model = std::make_shared<Doorbell>(server.doorbell_probe),
                                   .timeout = std::chrono::milliseconds(50)},
                                  {.name = "ledger", .model = server.ledger}})
                  .ok());
  auto stub = server.NewStub();
  grpc::ClientContext context;  // No deadline of its own.
  auto stream = stub->Stream(&context);
  ASSERT_TRUE(stream->Write(MakeRequest("doorbell", "", 1)));  // Never rung: never answers.
  v1::InferResponse response;
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("model 'doorbell' took longer than its limit of 50ms "
                        "(models[].timeout_seconds)"));
  server.doorbell_probe->cancelled.Wait();  // The model was told.
  // The session saw the tightened deadline.
  ASSERT_NE(server.doorbell_probe->context, nullptr);
  EXPECT_LT(server.doorbell_probe->context->deadline(),
            std::chrono::system_clock::time_point::max());

  // Other models keep serving.
  grpc::ClientContext other_context;
  auto other = stub->Stream(&other_context);
  ASSERT_TRUE(other->Write(MakeRequest("ledger", "x", 1)));
  ASSERT_TRUE(other->Read(&response));
  ASSERT_TRUE(other->WritesDone());
  EXPECT_FALSE(other->Read(&response));
  EXPECT_TRUE(other->Finish().ok());
}

}  // namespace
}  // namespace sluice::testing
