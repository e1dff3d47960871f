// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The shipped `sluice` client with --resume, run as a child process against a
// real engine behind the TCP fault proxy, which cuts every connection after a
// few kilobytes: each cut must be resumed so that the output carries every
// response exactly once, in order, and the command succeeds. Also what it
// does when resuming cannot help.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "tests/integration/child_process.h"
#include "tests/integration/fault_proxy.h"
#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

// The fields of one `--raw` line: "seq=1 req=1 ts=0 final=0 param.k=v payload=...".
std::map<std::string, std::string> RawFields(const std::string& line) {
  std::map<std::string, std::string> fields;
  for (absl::string_view field : absl::StrSplit(line, ' ')) {
    const size_t eq = field.find('=');
    if (eq != absl::string_view::npos) {
      fields[std::string(field.substr(0, eq))] = std::string(field.substr(eq + 1));
    }
  }
  return fields;
}

uint64_t Number(const std::map<std::string, std::string>& fields, const std::string& key) {
  uint64_t value = 0;
  const auto it = fields.find(key);
  EXPECT_TRUE(it != fields.end() && absl::SimpleAtoi(it->second, &value)) << "no number " << key;
  return value;
}

// Runs `sluice` with `args` (stdin from `stdin_path` if given, stderr into
// stdout so that messages can be checked too); returns its output lines and
// sets `*exit_code`.
std::vector<std::string> RunSluice(const std::vector<std::string>& args, int* exit_code,
                                   const std::string& stdin_path = "/dev/null") {
  std::vector<std::string> argv = {
      "/bin/sh", "-c",       "input=$1; shift; exec \"$@\" <\"$input\" 2>&1",
      "sh",      stdin_path, SLUICE_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess child(argv);
  EXPECT_TRUE(child.started());
  std::vector<std::string> lines;
  while (std::optional<std::string> line = child.ReadLine()) lines.push_back(*std::move(line));
  *exit_code = child.Wait();
  return lines;
}

// Splits output into the response lines (`--raw`) and sluice's own messages.
void SplitOutput(const std::vector<std::string>& lines, std::vector<std::string>* responses,
                 std::vector<std::string>* messages) {
  for (const std::string& line : lines) {
    (absl::StartsWith(line, "seq=") ? responses : messages)->push_back(line);
  }
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

EngineOptions ResumeOptions() {
  EngineOptions options = TestServer::DefaultOptions();
  // A cut loses whatever the server had written and the client not read;
  // unpaced, that can be more than the default window of 1024 responses.
  options.resume.replay_messages = 8192;
  return options;
}

TEST(CliResumeEnd2endTest, GenerateCutAgainAndAgainPrintsEveryTokenOnce) {
  TestServer server(ResumeOptions());
  auto proxy = FaultProxy::Start(server.address());
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  // Every connection, the resumed ones too, is cut (RST both ways) after
  // ~8 KB: about a hundred tokens each, so the generation takes a dozen.
  (*proxy)->CutAfterBytes(8000);

  constexpr int kTokens = 1500;
  int exit_code = -1;
  const std::vector<std::string> lines =
      RunSluice({"generate", "--target", (*proxy)->address(), "--model", "tokens", "--prompt",
                 "Once upon a time", "--param", "max_tokens=" + std::to_string(kTokens), "--param",
                 "tokens_per_second=0", "--raw", "--resume", "--session", "cli-generate-cut",
                 "--max-retries", "5", "--timeout", "100"},
                &exit_code);
  std::vector<std::string> responses;
  std::vector<std::string> messages;
  SplitOutput(lines, &responses, &messages);

  EXPECT_EQ(exit_code, 0) << Joined(messages);
  ASSERT_EQ(responses.size(), static_cast<size_t>(kTokens)) << Joined(messages);
  for (int i = 0; i < kTokens; ++i) {
    const auto fields = RawFields(responses[i]);
    ASSERT_EQ(Number(fields, "seq"), static_cast<uint64_t>(i + 1)) << responses[i];
    ASSERT_EQ(Number(fields, "param.token_index"), static_cast<uint64_t>(i)) << responses[i];
    ASSERT_EQ(fields.at("final"), i + 1 == kTokens ? "1" : "0") << responses[i];
  }
  // It really was cut, and resumed each time on a connection of its own.
  const EngineStats stats = server.engine().Stats();
  EXPECT_GE(stats.sessions_resumed, 2);
  EXPECT_EQ(stats.sessions_evicted, 0);
  EXPECT_GE((*proxy)->connections_accepted(), stats.sessions_resumed + 1);
  EXPECT_THAT(Joined(messages), HasSubstr("resuming session 'cli-generate-cut' after response"));
}

TEST(CliResumeEnd2endTest, SessionCutAgainAndAgainRunsEveryRequestOnce) {
  TestServer server(ResumeOptions());
  auto proxy = FaultProxy::Start(server.address());
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  // The client sends its whole input at once, and after each cut again what
  // the server is not known to have; each connection's budget is more than
  // all the requests together, so every connection makes progress. That
  // makes two or three cuts.
  constexpr int kRequests = 200;
  (*proxy)->CutAfterBytes(9000);
  const std::string input_path = ::testing::TempDir() + "/cli_resume_session_input.txt";
  {
    std::ofstream input(input_path);
    for (int i = 1; i <= kRequests; ++i) input << "line-" << i << "\n";
  }
  int exit_code = -1;
  const std::vector<std::string> lines =
      RunSluice({"session", "--target", (*proxy)->address(), "--model", "ledger", "--raw",
                 "--resume", "--timeout", "100"},
                &exit_code, input_path);
  std::remove(input_path.c_str());
  std::vector<std::string> responses;
  std::vector<std::string> messages;
  SplitOutput(lines, &responses, &messages);

  EXPECT_EQ(exit_code, 0) << Joined(messages);
  ASSERT_EQ(responses.size(), static_cast<size_t>(kRequests)) << Joined(messages);
  for (int i = 1; i <= kRequests; ++i) {
    const auto fields = RawFields(responses[i - 1]);
    ASSERT_EQ(Number(fields, "req"), static_cast<uint64_t>(i)) << responses[i - 1];
    // The ledger counts the requests it ran: one gap or repeat shows here.
    ASSERT_EQ(Number(fields, "param.n"), static_cast<uint64_t>(i)) << responses[i - 1];
    ASSERT_EQ(fields.at("payload"), "line-" + std::to_string(i)) << responses[i - 1];
  }
  const EngineStats stats = server.engine().Stats();
  EXPECT_GE(stats.sessions_resumed, 1);
  EXPECT_EQ(server.ledger->sessions_opened.load(), 1);
  EXPECT_THAT(Joined(messages), HasSubstr("resuming session 'cli-"));
}

TEST(CliResumeEnd2endTest, SessionIdInUseEndsTheCommandWithoutRetrying) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  context.AddMetadata("sluice-session", "taken");
  auto holder = stub->Stream(&context);
  ASSERT_TRUE(holder->Write(MakeRequest("ledger", "a", 1)));
  v1::InferResponse response;
  ASSERT_TRUE(holder->Read(&response));  // The session is registered by now.

  int exit_code = -1;
  const std::vector<std::string> lines =
      RunSluice({"generate", "--target", server.address(), "--model", "tokens", "--resume",
                 "--session", "taken"},
                &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_THAT(Joined(lines), HasSubstr("sluice: ALREADY_EXISTS: session 'taken' is already open"));
  EXPECT_THAT(Joined(lines), ::testing::Not(HasSubstr("resuming")));

  ASSERT_TRUE(holder->WritesDone());
  EXPECT_FALSE(holder->Read(&response));
  EXPECT_TRUE(holder->Finish().ok());
}

TEST(CliResumeEnd2endTest, UnreachableServerGivesUpAfterMaxRetries) {
  // A bound socket that does not listen: connecting to it is refused, and
  // the port stays ours, so no other server can take it meanwhile.
  const int socket_fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(socket_fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string target = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  int exit_code = -1;
  const std::vector<std::string> lines =
      RunSluice({"generate", "--target", target, "--model", "tokens", "--resume", "--session",
                 "nowhere", "--max-retries", "3", "--retry-backoff-ms", "1"},
                &exit_code);
  close(socket_fd);
  const std::string output = Joined(lines);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_THAT(output, HasSubstr("(retry 1 of 3)"));
  EXPECT_THAT(output, HasSubstr("(retry 3 of 3)"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr("(retry 4 of 3)")));
  EXPECT_THAT(output, HasSubstr("sluice: gave up on session 'nowhere' after 3 reconnects"));
  EXPECT_THAT(output, HasSubstr("sluice: UNAVAILABLE: "));
}

}  // namespace
}  // namespace sluice::testing
