// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The shipped sluiced stops the way an orchestrator needs: on SIGTERM or the
// admin Drain call, health goes NOT_SERVING, a stream in flight is still
// served to its end, one that cannot end in time gets UNAVAILABLE saying the
// server is draining, and the process exits 0.

#include <signal.h>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/admin/v1/admin.grpc.pb.h"
#include "sluice/v1/inference.grpc.pb.h"
#include "tests/integration/child_process.h"
#include "tests/integration/health_client.h"
#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using v1::InferResponse;

// A running sluiced with its gRPC and admin listeners on free ports.
class SluicedChild {
 public:
  explicit SluicedChild(const std::string& drain_seconds) {
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        SLUICED_PATH, "--listen", "127.0.0.1:0", "--metrics_address", "", "--admin_address",
        "127.0.0.1:0", "--drain_seconds", drain_seconds});
    target_ = process_->ReadLineAfter("sluiced listening on ");
    admin_ = admin::v1::Admin::NewStub(grpc::CreateChannel(
        process_->ReadLineAfter("sluiced admin on "), grpc::InsecureChannelCredentials()));
  }

  const std::string& target() const { return target_; }
  admin::v1::Admin::Stub& admin() { return *admin_; }
  ChildProcess& process() { return *process_; }
  std::unique_ptr<v1::Inference::Stub> NewStub() const {
    return v1::Inference::NewStub(grpc::CreateChannel(target_, grpc::InsecureChannelCredentials()));
  }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string target_;
  std::unique_ptr<admin::v1::Admin::Stub> admin_;
};

// A bidi stream on echo that has had one answer and stays open.
struct OpenStream {
  explicit OpenStream(v1::Inference::Stub& stub) : stream(stub.Stream(&context)) {
    EXPECT_TRUE(stream->Write(MakeRequest("echo", "before")));
    InferResponse response;
    EXPECT_TRUE(stream->Read(&response));
  }
  // Sends one more request during the drain, half-closes, and returns the
  // stream's status; `answered` tells whether the request was answered.
  grpc::Status FinishWith(const std::string& payload, bool* answered) {
    *answered = false;
    if (stream->Write(MakeRequest("", payload))) {
      InferResponse response;
      *answered = stream->Read(&response) && response.payload() == payload;
    }
    stream->WritesDone();
    return stream->Finish();
  }

  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReaderWriter<v1::InferRequest, InferResponse>> stream;
};

TEST(SluicedDrainEnd2endTest, AdminDrainAnswersThenDrainsAndExitsZero) {
  SluicedChild sluiced("60");
  auto stub = sluiced.NewStub();
  OpenStream open(*stub);
  HealthWatch watch(sluiced.target(), "echo");
  ASSERT_EQ(watch.Next(), Health::kServing);

  admin::v1::DrainRequest request;
  request.mutable_drain_deadline()->set_seconds(30);
  admin::v1::DrainReply reply;
  grpc::ClientContext context;
  const grpc::Status status = sluiced.admin().Drain(&context, request, &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.streams_open(), 1);
  EXPECT_EQ(reply.drain_deadline().seconds(), 30);

  EXPECT_EQ(watch.Next(), Health::kNotServing);
  bool answered = false;
  EXPECT_TRUE(open.FinishWith("during the drain", &answered).ok());
  EXPECT_TRUE(answered);
  EXPECT_EQ(sluiced.process().Wait(), 0);
}

TEST(SluicedDrainEnd2endTest, AdminDrainRefusesANegativeDeadlineAndKeepsServing) {
  SluicedChild sluiced("60");
  admin::v1::DrainRequest request;
  request.mutable_drain_deadline()->set_seconds(-1);
  admin::v1::DrainReply reply;
  grpc::ClientContext context;
  EXPECT_EQ(sluiced.admin().Drain(&context, request, &reply).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  Health health = Health::kUnknown;
  ASSERT_TRUE(CheckHealth(sluiced.target(), "", &health).ok());
  EXPECT_EQ(health, Health::kServing);
  sluiced.process().Signal(SIGTERM);
  EXPECT_EQ(sluiced.process().Wait(), 0);
}

TEST(SluicedDrainEnd2endTest, SigtermDrainsAStreamInFlightAndExitsZero) {
  SluicedChild sluiced("60");
  auto stub = sluiced.NewStub();
  OpenStream open(*stub);
  HealthWatch watch(sluiced.target(), "");
  ASSERT_EQ(watch.Next(), Health::kServing);

  sluiced.process().Signal(SIGTERM);
  EXPECT_EQ(watch.Next(), Health::kNotServing);
  bool answered = false;
  EXPECT_TRUE(open.FinishWith("during the drain", &answered).ok());
  EXPECT_TRUE(answered);
  EXPECT_EQ(sluiced.process().Wait(), 0);
}

TEST(SluicedDrainEnd2endTest, SigtermEndsAStreamThatOutlivesTheDrainWithUnavailable) {
  SluicedChild sluiced("0.2");
  auto stub = sluiced.NewStub();
  OpenStream open(*stub);  // Never half-closed: it cannot end by itself.

  sluiced.process().Signal(SIGTERM);
  InferResponse response;
  EXPECT_FALSE(open.stream->Read(&response));
  const grpc::Status status = open.stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_NE(status.error_message().find("draining"), std::string::npos) << status.error_message();
  EXPECT_EQ(sluiced.process().Wait(), 0);
}

}  // namespace
}  // namespace sluice::testing
