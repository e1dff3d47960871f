// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The shipped sluiced, reconfigured while hundreds of streams stay open: by
// SIGHUP after its config file changed, and by the admin service. No stream
// may fail, the new values must be in force (seen in the metrics), restart-only
// fields must be reported and left alone, an invalid config must change
// nothing, and models must come and go without disturbing open streams.

#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sluice/admin/v1/admin.grpc.pb.h"
#include "tests/integration/child_process.h"
#include "tests/integration/metrics_scrape.h"
#include "tests/integration/stream_herd.h"
#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using Labels = std::map<std::string, std::string>;

// A running sluiced with every listener on a free port.
class Sluiced {
 public:
  explicit Sluiced(std::vector<std::string> extra_args) {
    std::vector<std::string> argv = {SLUICED_PATH,        "--listen",    "127.0.0.1:0",
                                     "--metrics_address", "127.0.0.1:0", "--admin_address",
                                     "127.0.0.1:0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<ChildProcess>(argv);
    target_ = process_->ReadLineAfter("sluiced listening on ");
    const std::string metrics = process_->ReadLineAfter("sluiced metrics on http://");
    metrics_port_ = std::atoi(metrics.substr(metrics.rfind(':') + 1).c_str());
    admin_target_ = process_->ReadLineAfter("sluiced admin on ");
    admin_ = admin::v1::Admin::NewStub(
        grpc::CreateChannel(admin_target_, grpc::InsecureChannelCredentials()));
  }

  const std::string& target() const { return target_; }
  admin::v1::Admin::Stub& admin() { return *admin_; }
  ChildProcess& process() { return *process_; }

  std::string Scrape() const {
    std::string error;
    std::optional<std::string> text = ScrapeMetrics(metrics_port_, &error);
    EXPECT_TRUE(text.has_value()) << error;
    return text.value_or("");
  }
  double Value(const std::string& name, const Labels& labels) const {
    return SeriesValue(Scrape(), name, labels).value_or(-1);
  }
  // Polls the metrics until the series reads `expected` (a reload is applied
  // on sluiced's main thread some time after the signal); returns the last
  // value read. Bounded, so a wrong value fails instead of hanging.
  double WaitForValue(const std::string& name, const Labels& labels, double expected) const {
    double value = -1;
    for (int attempt = 0; attempt < 3000; ++attempt) {
      value = Value(name, labels);
      if (value == expected) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return value;
  }

  // UpdateConfig with `config` and the mask `paths`.
  admin::v1::ConfigReply Update(const config::v1::SluiceConfig& config,
                                const std::vector<std::string>& paths, grpc::Status* status) {
    admin::v1::UpdateConfigRequest request;
    *request.mutable_config() = config;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    admin::v1::ConfigReply reply;
    *status = admin_->UpdateConfig(&context, request, &reply);
    return reply;
  }

  config::v1::SluiceConfig Running() {
    grpc::ClientContext context;
    admin::v1::ConfigReply reply;
    EXPECT_TRUE(admin_->GetConfig(&context, {}, &reply).ok());
    return reply.config();
  }

  int Stop() {
    process_->Signal(SIGTERM);
    return process_->Wait();
  }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string target_;
  std::string admin_target_;
  int metrics_port_ = 0;
  std::unique_ptr<admin::v1::Admin::Stub> admin_;
};

std::string WriteFile(const std::string& text) {
  char path[] = "/tmp/sluiced-config-XXXXXX.yaml";
  const int fd = mkstemps(path, 5);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

const Labels kEcho = {{"model", "echo"}};

TEST(ConfigReloadEnd2endTest, ReloadsUnderLoadBySighupAndAdminWithoutFailingAStream) {
  constexpr int kStreams = 500;
  const std::string file =
      WriteFile("streams:\n  credits_per_stream: 8\n  outbound_window: 16\nlog_level: info\n");
  Sluiced server({"--config", file});
  StreamHerd herd(server.target(), "echo", kStreams, /*channels=*/5);
  ASSERT_EQ(herd.Round(), kStreams);
  EXPECT_EQ(server.Value("sluice_streams_active", {{"grpc_method", "Stream"}, {"model", "echo"}}),
            kStreams);
  EXPECT_EQ(server.Value("sluice_credits_available", kEcho), kStreams * 8);

  // SIGHUP after the file changed: credits and window, for the open streams,
  // and the stream limit.
  std::ofstream(file) << "streams:\n  credits_per_stream: 4\n  outbound_window: 8\n"
                         "limits:\n  max_concurrent_streams: 2000\n";
  server.process().Signal(SIGHUP);
  ASSERT_EQ(server.WaitForValue("sluice_config_reloads_total", {{"result", "success"}}, 1), 1);
  ASSERT_EQ(herd.Round(), kStreams);  // Each stream picks the change up at its next step.
  EXPECT_EQ(server.Value("sluice_credits_available", kEcho), kStreams * 4);
  EXPECT_EQ(server.Value("sluice_outbound_window_capacity", kEcho), kStreams * 8);
  EXPECT_EQ(server.Running().limits().max_concurrent_streams(), 2000u);

  // The admin service: a partial update of three fields.
  config::v1::SluiceConfig change;
  change.mutable_streams()->set_credits_per_stream(2);
  change.mutable_streams()->set_outbound_window(12);
  change.mutable_limits()->set_max_concurrent_streams(kStreams);
  grpc::Status status;
  admin::v1::ConfigReply reply = server.Update(
      change,
      {"streams.credits_per_stream", "streams.outbound_window", "limits.max_concurrent_streams"},
      &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(reply.applied(), ::testing::UnorderedElementsAre("limits.max_concurrent_streams",
                                                               "streams.credits_per_stream",
                                                               "streams.outbound_window"));
  EXPECT_EQ(reply.config().streams().max_payload_bytes(), 4u << 20);  // Not in the mask.
  ASSERT_EQ(herd.Round(), kStreams);
  EXPECT_EQ(server.Value("sluice_credits_available", kEcho), kStreams * 2);
  EXPECT_EQ(server.Value("sluice_outbound_window_capacity", kEcho), kStreams * 12);
  EXPECT_EQ(server.Value("sluice_config_reloads_total", {{"result", "success"}}), 2);

  // The new stream limit refuses one stream more, naming the limit.
  {
    auto stub = v1::Inference::NewStub(
        grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials()));
    std::vector<v1::InferResponse> responses;
    const grpc::Status refused = Exchange(*stub, {MakeRequest("echo", "one too many")}, &responses);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_NE(refused.error_message().find("limits.max_concurrent_streams"), std::string::npos)
        << refused.error_message();
  }

  // A restart-only field is reported and left as it runs.
  config::v1::SluiceConfig move;
  move.mutable_listeners()->set_grpc_address("127.0.0.1:1");
  reply = server.Update(move, {"listeners.grpc_address"}, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(std::vector<std::string>(reply.needs_restart().begin(), reply.needs_restart().end()),
            std::vector<std::string>{"listeners.grpc_address"});
  EXPECT_EQ(reply.config().listeners().grpc_address(), "127.0.0.1:0");

  // Invalid input changes nothing, by either route, and says why.
  config::v1::SluiceConfig bad;
  bad.mutable_streams()->set_credits_per_stream(0);
  server.Update(bad, {"streams.credits_per_stream"}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("streams.credits_per_stream"), std::string::npos)
      << status.error_message();
  // A payload the gRPC message limit fixed at start cannot carry.
  config::v1::SluiceConfig big;
  big.mutable_streams()->set_max_payload_bytes(64u << 20);
  server.Update(big, {"streams.max_payload_bytes"}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("takes a restart"), std::string::npos)
      << status.error_message();
  server.Update(bad, {"streams.no_such_field"}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("streams.no_such_field"), std::string::npos);
  std::ofstream(file) << "streams:\n  credits_per_stream: 0\n  no_such_field: 1\n";
  server.process().Signal(SIGHUP);
  EXPECT_EQ(server.WaitForValue("sluice_config_reloads_total", {{"result", "failure"}}, 4), 4);
  EXPECT_EQ(server.Running().streams().credits_per_stream(), 2u);
  ASSERT_EQ(herd.Round(), kStreams);
  EXPECT_EQ(server.Value("sluice_credits_available", kEcho), kStreams * 2);

  const std::map<int, int> codes = herd.CloseAll();
  EXPECT_EQ(codes, (std::map<int, int>{{0, kStreams}}));  // Every stream ended OK.
  EXPECT_EQ(server.Stop(), 0);
  std::remove(file.c_str());
}

TEST(ConfigReloadEnd2endTest, ModelsComeAndGoWhileTheirStreamsFinish) {
  constexpr int kStreams = 100;
  Sluiced server({});
  StreamHerd herd(server.target(), "echo", kStreams, /*channels=*/2);
  ASSERT_EQ(herd.Round(), kStreams);

  // Remove echo, add echo2 (the same kind under another name).
  config::v1::SluiceConfig next = server.Running();
  config::v1::SluiceConfig models;
  for (const auto& model : next.models()) {
    if (model.name() != "echo") *models.add_models() = model;
  }
  config::v1::ModelConfig* added = models.add_models();
  added->set_name("echo2");
  added->set_kind("echo");
  added->set_version("1");
  added->set_execution(config::v1::EXECUTION_INLINE);
  grpc::Status status;
  admin::v1::ConfigReply reply = server.Update(models, {"models"}, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(std::vector<std::string>(reply.applied().begin(), reply.applied().end()),
            std::vector<std::string>{"models"});

  auto stub = v1::Inference::NewStub(
      grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials()));
  std::vector<v1::InferResponse> responses;
  grpc::Status removed = Exchange(*stub, {MakeRequest("echo", "gone?")}, &responses);
  EXPECT_EQ(removed.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(removed.error_message().find("echo2"), std::string::npos) << removed.error_message();
  responses.clear();
  ASSERT_TRUE(Exchange(*stub, {MakeRequest("echo2", "hello")}, &responses).ok());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].payload(), "hello");

  // The open echo streams carry on with the model they selected.
  EXPECT_EQ(herd.Round(), kStreams);
  EXPECT_EQ(herd.CloseAll(), (std::map<int, int>{{0, kStreams}}));

  // A model that cannot be built is refused whole; the served set stays.
  config::v1::SluiceConfig broken = models;
  (*broken.mutable_models(0)->mutable_parameters())["no_such_parameter"] = "1";
  server.Update(broken, {"models"}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("no_such_parameter"), std::string::npos)
      << status.error_message();
  responses.clear();
  EXPECT_TRUE(Exchange(*stub, {MakeRequest("echo2", "still")}, &responses).ok());
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace sluice::testing
