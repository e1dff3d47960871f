// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Validate: FieldSpec ranges and the rules between fields, every error at once.

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "engine/config/defaults.h"
#include "engine/config/field_error.h"
#include "engine/config/validate.h"

namespace sluice::config {
namespace {

const std::set<std::string> kDemoKinds = {"echo", "echo_pool", "tokens", "sensors",
                                          "blob", "predict",   "feed"};

std::string ErrorsOf(const v1::SluiceConfig& config) {
  return FormatErrors(Validate(config, kDemoKinds));
}

TEST(ValidateTest, DefaultsAreValid) { EXPECT_EQ(ErrorsOf(Defaults()), ""); }

TEST(ValidateTest, OutOfRangeNamesTheRange) {
  v1::SluiceConfig config = Defaults();
  config.mutable_streams()->set_credits_per_stream(0);
  config.mutable_streams()->set_max_payload_bytes(2ull << 30);
  config.set_drain_seconds(-1);
  EXPECT_EQ(ErrorsOf(config),
            "streams.credits_per_stream: must be between 1 and 65536 (got \"0\")\n"
            "streams.max_payload_bytes: must be between 1 and 1073741824 (got \"2147483648\")\n"
            "drain_seconds: must be between 0 and 3600 (got \"-1\")");
}

TEST(ValidateTest, UnspecifiedLogLevel) {
  v1::SluiceConfig config = Defaults();
  config.set_log_level(v1::LOG_LEVEL_UNSPECIFIED);
  EXPECT_EQ(ErrorsOf(config),
            "log_level: must be one of debug, info, warning, error (got \"unspecified\")");
}

TEST(ValidateTest, MaxMessageSmallerThanPayloadIsAContradiction) {
  v1::SluiceConfig config = Defaults();
  config.mutable_streams()->set_max_message_bytes(1024);
  EXPECT_EQ(ErrorsOf(config),
            "streams.max_message_bytes: must be 0 or at least streams.max_payload_bytes "
            "(4194304) (got \"1024\")");
}

TEST(ValidateTest, DefaultDeadlineAboveTheCap) {
  v1::SluiceConfig config = Defaults();
  config.mutable_deadlines()->set_default_seconds(30);
  config.mutable_deadlines()->set_max_seconds(10);
  EXPECT_EQ(ErrorsOf(config),
            "deadlines.default_seconds: must not exceed deadlines.max_seconds (10) (got \"30\")");
  config.mutable_deadlines()->set_max_seconds(0);  // No cap: any default.
  EXPECT_EQ(ErrorsOf(config), "");
}

TEST(ValidateTest, AddressSyntax) {
  v1::SluiceConfig config = Defaults();
  config.mutable_listeners()->set_grpc_address("localhost");
  config.mutable_listeners()->set_metrics_address("127.0.0.1:99999");
  config.mutable_listeners()->set_admin_address("::1:7000");
  EXPECT_EQ(ErrorsOf(config),
            "listeners.grpc_address: must be HOST:PORT, e.g. 127.0.0.1:50051 or [::1]:50051 "
            "(got \"localhost\")\n"
            "listeners.metrics_address: the port must be a number from 0 to 65535 "
            "(got \"127.0.0.1:99999\")\n"
            "listeners.admin_address: an IPv6 host must be in brackets, e.g. [::1]:50051 "
            "(got \"::1:7000\")");
}

TEST(ValidateTest, EmptyGrpcAddressIsRequired) {
  v1::SluiceConfig config = Defaults();
  config.mutable_listeners()->set_grpc_address("");
  EXPECT_EQ(ErrorsOf(config), "listeners.grpc_address: is required");
}

TEST(ValidateTest, AdminAddressMustBeLoopbackUnlessAllowed) {
  v1::SluiceConfig config = Defaults();
  config.mutable_listeners()->set_admin_address("0.0.0.0:7000");
  EXPECT_EQ(ErrorsOf(config),
            "listeners.admin_address: must be a loopback address (127.0.0.1, [::1] or "
            "localhost) unless listeners.admin_allow_remote is true: the admin service has no "
            "authentication (got \"0.0.0.0:7000\")");
  config.mutable_listeners()->set_admin_allow_remote(true);
  EXPECT_EQ(ErrorsOf(config), "");
  config.mutable_listeners()->set_admin_allow_remote(false);
  for (const char* loopback : {"127.0.0.1:7000", "[::1]:7000", "localhost:7000"}) {
    config.mutable_listeners()->set_admin_address(loopback);
    EXPECT_EQ(ErrorsOf(config), "") << loopback;
  }
}

TEST(ValidateTest, ListenersOnTheSamePort) {
  v1::SluiceConfig config = Defaults();
  config.mutable_listeners()->set_metrics_address("0.0.0.0:50051");
  EXPECT_EQ(ErrorsOf(config),
            "listeners.metrics_address: uses the same port as listeners.grpc_address "
            "(got \"0.0.0.0:50051\")");
  // Port 0 picks a free port for each; different interfaces may share a port.
  config.mutable_listeners()->set_grpc_address("127.0.0.1:0");
  config.mutable_listeners()->set_metrics_address("127.0.0.1:0");
  EXPECT_EQ(ErrorsOf(config), "");
  config.mutable_listeners()->set_grpc_address("10.0.0.1:80");
  config.mutable_listeners()->set_metrics_address("10.0.0.2:80");
  EXPECT_EQ(ErrorsOf(config), "");
}

TEST(ValidateTest, DuplicateModelNameAndVersion) {
  v1::SluiceConfig config = Defaults();
  *config.add_models() = config.models(2);
  EXPECT_EQ(ErrorsOf(config),
            "models[7].name: duplicate model: models[2] has the same name and version (1) "
            "(got \"tokens\")");
  config.mutable_models(7)->set_version("2");  // Another version is another model.
  EXPECT_EQ(ErrorsOf(config), "");
}

TEST(ValidateTest, UnknownKindListsTheKnownOnes) {
  v1::SluiceConfig config = Defaults();
  config.mutable_models(0)->set_kind("llama");
  EXPECT_EQ(ErrorsOf(config),
            "models[0].kind: unknown model kind; the known kinds are blob, echo, echo_pool, "
            "feed, predict, sensors, tokens (got \"llama\")");
  EXPECT_EQ(FormatErrors(Validate(config, {})), "");  // No kinds given: not checked.
}

TEST(ValidateTest, ModelNamesRequiredAndSimple) {
  v1::SluiceConfig config = Defaults();
  config.mutable_models(0)->set_name("");
  config.mutable_models(1)->set_name("my model");
  config.mutable_models(2)->set_kind("");
  EXPECT_EQ(ErrorsOf(config),
            "models[0].name: is required\n"
            "models[2].kind: is required\n"
            "models[1].name: must be 1 to 128 characters of [A-Za-z0-9_.-] (got \"my model\")");
}

TEST(ValidateTest, InlineModelCannotHaveItsOwnThreads) {
  v1::SluiceConfig config = Defaults();
  config.mutable_models(0)->set_execution(v1::EXECUTION_INLINE);
  config.mutable_models(0)->set_worker_threads(2);
  EXPECT_EQ(ErrorsOf(config),
            "models[0].worker_threads: must be 0 when execution is inline: an inline model runs "
            "on the stream pool (got \"2\")");
}

TEST(ValidateTest, ReportsEveryErrorAtOnce) {
  v1::SluiceConfig config = Defaults();
  config.mutable_streams()->set_outbound_window(0);
  config.mutable_threads()->set_model_threads(5000);
  config.mutable_listeners()->set_grpc_address("nowhere");
  config.mutable_models(3)->set_kind("gpt");
  EXPECT_EQ(Validate(config, kDemoKinds).size(), 4u) << ErrorsOf(config);
}

}  // namespace
}  // namespace sluice::config
