// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of the rules a model's session runs by (window, timers,
// Wait/Notify, cancellation, deadline), for both executions: a model-pool
// model's session is an actor of its own, an inline model's is run by its
// stream's actor (docs/architecture.md). A real engine on 127.0.0.1 port 0
// and a real gRPC client over a real socket.

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <thread>

#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using v1::InferResponse;

// The models of one execution, and their probes in a TestServer.
struct Execution {
  const char* name;
  const char* generator;
  const char* doorbell;
  std::shared_ptr<GeneratorProbe> TestServer::*generator_probe;
  std::shared_ptr<DoorbellProbe> TestServer::*doorbell_probe;
};

// So gtest names the parameter, not its bytes.
void PrintTo(const Execution& execution, std::ostream* out) { *out << execution.name; }

const Execution kModelPool{"ModelPool", "generator", "doorbell", &TestServer::generator_probe,
                           &TestServer::doorbell_probe};
const Execution kInline{"Inline", "generator_inline", "doorbell_inline", &TestServer::inline_probe,
                        &TestServer::inline_doorbell_probe};

class ModelSessionEnd2endTest : public ::testing::TestWithParam<Execution> {
 protected:
  // Model code never runs in a gRPC reaction, whatever the execution.
  void TearDown() override { EXPECT_EQ(generator_probe().calls_in_reaction.load(), 0); }

  GeneratorProbe& generator_probe() { return *(server_.*GetParam().generator_probe); }
  DoorbellProbe& doorbell_probe() { return *(server_.*GetParam().doorbell_probe); }

  TestServer server_;
  std::unique_ptr<v1::Inference::Stub> stub_ = server_.NewStub();
};

// Reads every response of a stream that was sent one request; checks they
// come numbered 1, 2, ... and that only the last is final; returns how many.
int ReadAllInOrder(grpc::ClientReaderWriter<v1::InferRequest, InferResponse>& stream) {
  InferResponse response;
  int received = 0;
  bool final_seen = false;
  while (stream.Read(&response)) {
    ++received;
    EXPECT_FALSE(final_seen) << "a response after the final one";
    EXPECT_EQ(response.sequence(), static_cast<uint64_t>(received));
    EXPECT_EQ(response.request_sequence(), 1u);
    final_seen = response.final();
  }
  EXPECT_TRUE(final_seen);
  return received;
}

// More responses than the window holds: the model is paused with its window
// full (a call ends at room 0), and resumed by the grants the stream's
// writes return, with nothing lost or reordered.
TEST_P(ModelSessionEnd2endTest, WindowPausesAndResumesTheModel) {
  grpc::ClientContext context;
  auto stream = stub_->Stream(&context);
  ASSERT_TRUE(stream->Write(MakeRequest(GetParam().generator, "go", 1, {{"count", "1000"}})));
  ASSERT_TRUE(stream->WritesDone());
  generator_probe().saw_full_window.Wait();  // Nothing was read yet.
  EXPECT_EQ(ReadAllInOrder(*stream), 1000);
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(generator_probe().half_closes.load(), 1);
}

// One response per model call, each call asking to resume: more calls than a
// turn makes, so the session gives up its thread and carries on in a later
// turn; a lost continuation would hang the stream.
TEST_P(ModelSessionEnd2endTest, ManyShortCallsContinueAcrossTurns) {
  grpc::ClientContext context;
  auto stream = stub_->Stream(&context);
  ASSERT_TRUE(stream->Write(
      MakeRequest(GetParam().generator, "go", 1, {{"count", "200"}, {"per_call", "1"}})));
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_EQ(ReadAllInOrder(*stream), 200);
  EXPECT_TRUE(stream->Finish().ok());
}

// Step::ResumeAfter: the session's timer resumes the model.
TEST_P(ModelSessionEnd2endTest, PacedGenerationResumesOnItsTimer) {
  grpc::ClientContext context;
  auto stream = stub_->Stream(&context);
  ASSERT_TRUE(stream->Write(
      MakeRequest(GetParam().generator, "go", 1, {{"count", "20"}, {"pace_ms", "1"}})));
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_EQ(ReadAllInOrder(*stream), 20);
  EXPECT_TRUE(stream->Finish().ok());
}

// A unary call arrives in a reaction: its session is opened and called on a
// pool thread (TearDown checks), and answers.
TEST_P(ModelSessionEnd2endTest, UnaryCallsOpenAndCallTheModelOffTheReaction) {
  for (int i = 0; i < 20; ++i) {
    grpc::ClientContext context;
    InferResponse response;
    const grpc::Status status = stub_->Infer(
        &context, MakeRequest(GetParam().generator, "go", 0, {{"count", "1"}}), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.payload().size(), 64u);
  }
  EXPECT_EQ(generator_probe().sessions_opened.load(), 20);
}

// A session that waits on outside events (Step::Wait) is resumed by
// SessionContext::Notify() from another thread, and no notification is lost,
// including one that arrives while the session is not waiting.
TEST_P(ModelSessionEnd2endTest, WaitingSessionIsResumedByNotify) {
  grpc::ClientContext context;
  auto stream = stub_->Stream(&context);
  ASSERT_TRUE(stream->Write(MakeRequest(GetParam().doorbell, "", 1, {{"rings", "3"}})));
  doorbell_probe().waiting.Wait();
  InferResponse response;
  doorbell_probe().Ring();
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.payload(), "ring 1");
  EXPECT_FALSE(response.final());
  std::thread ringer([&] {
    doorbell_probe().Ring();
    doorbell_probe().Ring();
  });
  ringer.join();
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.payload(), "ring 2");
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.payload(), "ring 3");
  EXPECT_TRUE(response.final());
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_P(ModelSessionEnd2endTest, ClientCancelMidGenerationStopsTheModel) {
  grpc::ClientContext context;
  auto stream = stub_->Stream(&context);
  ASSERT_TRUE(stream->Write(MakeRequest(GetParam().generator, "go")));  // Unbounded generation.
  InferResponse response;
  ASSERT_TRUE(stream->Read(&response));
  context.TryCancel();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  generator_probe().cancelled.Wait();          // The model was told.
  generator_probe().session_destroyed.Wait();  // And its state released.
  // A cancel can land during a model call, so the promise is about calls:
  // none starts after the model was told.
  EXPECT_EQ(generator_probe().calls_after_cancel.load(), 0);
  EXPECT_GE(server_.engine().Stats().sessions_cancelled, 1);
}

TEST_P(ModelSessionEnd2endTest, DeadlineEndsStreamAndCancelsModel) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  auto stream = stub_->Stream(&context);
  // A paced, endless generation: only the deadline can end it.
  ASSERT_TRUE(stream->Write(MakeRequest(GetParam().generator, "go", 1, {{"pace_ms", "20"}})));
  InferResponse response;
  while (stream->Read(&response)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  generator_probe().cancelled.Wait();
  generator_probe().session_destroyed.Wait();
}

INSTANTIATE_TEST_SUITE_P(BothExecutions, ModelSessionEnd2endTest,
                         ::testing::Values(kModelPool, kInline),
                         [](const ::testing::TestParamInfo<Execution>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace sluice::testing
