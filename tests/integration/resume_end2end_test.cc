// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Resumable sessions end to end (docs/resilience.md): a call that is lost
// leaves its session held; a call that resumes it gets every response it
// missed exactly once, in order, and requests it sends again are not run
// twice. Calls are lost here by cancelling them, which the server sees as it
// sees a broken connection; resume_fault_end2end_test.cc cuts real
// connections with the fault proxy.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

// Call metadata of a resumable session.
void SessionMetadata(grpc::ClientContext& context, const std::string& session,
                     std::optional<uint64_t> resume_after = std::nullopt) {
  context.AddMetadata("sluice-session", session);
  if (resume_after.has_value()) {
    context.AddMetadata("sluice-resume-after", std::to_string(*resume_after));
  }
}

// Reads up to `count` responses, checking that their sequences continue
// from `last_sequence`; returns how many it read.
int ReadContiguous(grpc::ClientReaderInterface<v1::InferResponse>& reader, int count,
                   uint64_t& last_sequence) {
  v1::InferResponse response;
  int read = 0;
  while (read < count && reader.Read(&response)) {
    EXPECT_EQ(response.sequence(), last_sequence + 1);
    last_sequence = response.sequence();
    ++read;
  }
  return read;
}

// Opens session `id` with a Stream call on ledger, has one request
// answered (so the server holds the session), and loses the call.
void OpenAndLoseLedgerSession(v1::Inference::Stub& stub, const std::string& id) {
  grpc::ClientContext context;
  SessionMetadata(context, id);
  auto stream = stub.Stream(&context);
  ASSERT_TRUE(stream->Write(MakeRequest("ledger", "a", 1)));
  v1::InferResponse response;
  ASSERT_TRUE(stream->Read(&response));
  context.TryCancel();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST(ResumeEnd2endTest, GenerateResumedAfterALostCallDeliversEveryResponseOnce) {
  TestServer server;
  auto stub = server.NewStub();
  constexpr int kTotal = 300;
  const v1::InferRequest request =
      MakeRequest("generator", "", /*sequence=*/1, {{"count", std::to_string(kTotal)}});
  uint64_t last = 0;
  {
    grpc::ClientContext context;
    SessionMetadata(context, "gen-1");
    auto reader = stub->Generate(&context, request);
    ASSERT_EQ(ReadContiguous(*reader, 40, last), 40);
    context.TryCancel();  // The call is lost; the model is not told.
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // Resumed twice, so a session moves from call to call more than once.
  for (int round = 0; round < 2; ++round) {
    grpc::ClientContext context;
    SessionMetadata(context, "gen-1", last);
    auto reader = stub->Generate(&context, request);
    if (round == 0) {
      ASSERT_EQ(ReadContiguous(*reader, 60, last), 60);
      context.TryCancel();
      EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
      continue;
    }
    ReadContiguous(*reader, kTotal, last);
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(last, static_cast<uint64_t>(kTotal));
  EXPECT_EQ(server.generator_probe->sessions_opened.load(), 1);
  EXPECT_EQ(server.generator_probe->emitted.load(), kTotal);
  EXPECT_FALSE(server.generator_probe->cancelled.fired());
  const EngineStats stats = server.engine().Stats();
  EXPECT_EQ(stats.sessions_resumed, 2);
  EXPECT_EQ(stats.sessions_evicted, 0);
}

TEST(ResumeEnd2endTest, RequestsSentAgainAfterResumeAreNotRunTwice) {
  TestServer server;
  auto stub = server.NewStub();
  uint64_t last = 0;
  {
    grpc::ClientContext context;
    SessionMetadata(context, "ledger-1");
    auto stream = stub->Stream(&context);
    for (uint64_t sequence = 1; sequence <= 10; ++sequence) {
      ASSERT_TRUE(stream->Write(MakeRequest("ledger", std::to_string(sequence), sequence)));
    }
    v1::InferResponse response;
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(stream->Read(&response));
      last = response.sequence();
    }
    EXPECT_EQ(response.parameters().at("n"), "10");
    context.TryCancel();
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  grpc::ClientContext context;
  SessionMetadata(context, "ledger-1", last);
  auto stream = stub->Stream(&context);
  // A client unsure what reached the server sends 8, 9 and 10 again.
  for (uint64_t sequence = 8; sequence <= 12; ++sequence) {
    ASSERT_TRUE(stream->Write(MakeRequest("ledger", std::to_string(sequence), sequence)));
  }
  ASSERT_TRUE(stream->WritesDone());
  std::vector<v1::InferResponse> responses;
  v1::InferResponse response;
  while (stream->Read(&response)) responses.push_back(response);
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].payload(), "11");
  EXPECT_EQ(responses[0].parameters().at("n"), "11");
  EXPECT_EQ(responses[0].sequence(), last + 1);
  EXPECT_EQ(responses[1].payload(), "12");
  EXPECT_EQ(responses[1].parameters().at("n"), "12");
  EXPECT_EQ(server.engine().Stats().requests_deduplicated, 3);
  EXPECT_EQ(server.ledger->sessions_opened.load(), 1);
}

TEST(ResumeEnd2endTest, ResumingAnUnknownSessionIsNotFound) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  SessionMetadata(context, "never-opened", 0);
  auto stream = stub->Stream(&context);
  v1::InferResponse response;
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("no session 'never-opened' to resume"));
}

TEST(ResumeEnd2endTest, ResumingBeyondTheReplayWindowIsOutOfRange) {
  EngineOptions options = TestServer::DefaultOptions();
  options.resume.replay_messages = 4;
  TestServer server(options);
  auto stub = server.NewStub();
  const v1::InferRequest request = MakeRequest("generator", "", 1, {{"count", "100"}});
  uint64_t last = 0;
  {
    grpc::ClientContext context;
    SessionMetadata(context, "gen-2");
    auto reader = stub->Generate(&context, request);
    ASSERT_EQ(ReadContiguous(*reader, 20, last), 20);
    context.TryCancel();
    reader->Finish();
  }
  // The window holds the last 4 sent, 17 onward at best.
  grpc::ClientContext context;
  SessionMetadata(context, "gen-2", 2);
  auto reader = stub->Generate(&context, request);
  v1::InferResponse response;
  EXPECT_FALSE(reader->Read(&response));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(status.error_message(), HasSubstr("cannot resume after response 2"));
  EXPECT_THAT(status.error_message(), HasSubstr("the replay window holds responses"));
  // The refusal leaves the session held for a resume that can succeed.
  EXPECT_EQ(server.engine().Stats().resumable_sessions, 1);
  EXPECT_EQ(server.engine().Stats().sessions_evicted, 0);
}

TEST(ResumeEnd2endTest, SessionNotResumedInItsGracePeriodIsEvictedAndTheModelTold) {
  EngineOptions options = TestServer::DefaultOptions();
  options.resume.grace = std::chrono::milliseconds(50);
  TestServer server(options);
  auto stub = server.NewStub();
  {
    grpc::ClientContext context;
    SessionMetadata(context, "gen-3");
    auto reader = stub->Generate(&context, MakeRequest("generator", "", 1));  // Endless.
    uint64_t last = 0;
    ASSERT_EQ(ReadContiguous(*reader, 5, last), 5);
    context.TryCancel();
    reader->Finish();
  }
  server.generator_probe->cancelled.Wait();  // Eviction tells the model.
  server.generator_probe->session_destroyed.Wait();
  EXPECT_EQ(server.engine().Stats().sessions_evicted, 1);

  grpc::ClientContext context;
  SessionMetadata(context, "gen-3", 5);
  auto reader = stub->Generate(&context, MakeRequest("generator", "", 1));
  v1::InferResponse response;
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(ResumeEnd2endTest, SessionIdInUseIsAlreadyExists) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext first_context;
  SessionMetadata(first_context, "taken");
  auto first = stub->Stream(&first_context);
  ASSERT_TRUE(first->Write(MakeRequest("ledger", "a", 1)));
  v1::InferResponse response;
  ASSERT_TRUE(first->Read(&response));  // Registered by now.

  grpc::ClientContext second_context;
  SessionMetadata(second_context, "taken");
  auto second = stub->Stream(&second_context);
  EXPECT_FALSE(second->Read(&response));
  const grpc::Status status = second->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("session 'taken' is already open"));

  ASSERT_TRUE(first->WritesDone());
  EXPECT_FALSE(first->Read(&response));
  EXPECT_TRUE(first->Finish().ok());
}

TEST(ResumeEnd2endTest, BadSessionMetadataGetsClearStatuses) {
  TestServer server;
  auto stub = server.NewStub();
  {
    grpc::ClientContext context;
    SessionMetadata(context, "unary");
    v1::InferResponse response;
    const grpc::Status status = stub->Infer(&context, MakeRequest("echo", "x"), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("for Stream and Generate calls"));
  }
  {
    grpc::ClientContext context;
    context.AddMetadata("sluice-session", "s");
    context.AddMetadata("sluice-resume-after", "lots");
    auto stream = stub->Stream(&context);
    v1::InferResponse response;
    EXPECT_FALSE(stream->Read(&response));
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("got 'lots'"));
  }
  {
    EngineOptions options = TestServer::DefaultOptions();
    options.resume.grace = std::chrono::milliseconds(0);
    TestServer no_resume(options);
    auto no_resume_stub = no_resume.NewStub();
    grpc::ClientContext context;
    SessionMetadata(context, "s");
    auto stream = no_resume_stub->Stream(&context);
    v1::InferResponse response;
    EXPECT_FALSE(stream->Read(&response));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
}

TEST(ResumeEnd2endTest, ResumingWithAnotherMethodIsInvalidArgument) {
  TestServer server;
  auto stub = server.NewStub();
  OpenAndLoseLedgerSession(*stub, "mixed");
  grpc::ClientContext context;
  SessionMetadata(context, "mixed", 1);
  auto reader = stub->Generate(&context, MakeRequest("ledger", "b", 2));
  v1::InferResponse response;
  EXPECT_FALSE(reader->Read(&response));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("resume it with the same method"));
}

TEST(ResumeEnd2endTest, DrainEvictsHeldSessionsAndTellsTheirModels) {
  auto server = std::make_unique<TestServer>();
  auto stub = server->NewStub();
  OpenAndLoseLedgerSession(*stub, "held");
  // Grace is 30 s, the drain 5 s: the held session must not hold it up, and
  // the destructor checks that nothing outlived the shutdown.
  std::shared_ptr<LedgerModel> ledger = server->ledger;
  server->engine().Shutdown(std::chrono::seconds(5));
  EXPECT_EQ(server->engine().Stats().sessions_evicted, 1);
  EXPECT_EQ(ledger->sessions_cancelled.load(), 1);
  EXPECT_EQ(server->engine().Stats().resumable_sessions, 0);
}

}  // namespace
}  // namespace sluice::testing
