// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ApplyEnvironment: SLUICE_<PATH> variables.

#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "engine/config/defaults.h"
#include "engine/config/field_error.h"
#include "engine/config/sources.h"

namespace sluice::config {
namespace {

using ::google::protobuf::util::MessageDifferencer;

TEST(ApplyEnvironmentTest, SetsScalarsByTheirUpperCasedPath) {
  v1::SluiceConfig config = Defaults();
  std::vector<FieldError> errors;
  ApplyEnvironment({{"SLUICE_STREAMS_CREDITS_PER_STREAM", "4"},
                    {"SLUICE_LOG_LEVEL", "debug"},
                    {"SLUICE_LISTENERS_GRPC_ADDRESS", "0.0.0.0:7000"},
                    {"SLUICE_KEEPALIVE_PERMIT_WITHOUT_CALLS", "true"},
                    {"SLUICE_DRAIN_SECONDS", "2.5"}},
                   &config, &errors);
  EXPECT_EQ(FormatErrors(errors), "");
  EXPECT_EQ(config.streams().credits_per_stream(), 4u);
  EXPECT_EQ(config.log_level(), v1::LOG_LEVEL_DEBUG);
  EXPECT_EQ(config.listeners().grpc_address(), "0.0.0.0:7000");
  EXPECT_TRUE(config.keepalive().permit_without_calls());
  EXPECT_EQ(config.drain_seconds(), 2.5);
}

TEST(ApplyEnvironmentTest, IgnoresOtherVariablesAndTheProjectsOwn) {
  v1::SluiceConfig config = Defaults();
  std::vector<FieldError> errors;
  ApplyEnvironment({{"PATH", "/usr/bin"},
                    {"SLUICEX", "1"},
                    {"SLUICE_PROTO_DIR", "/tmp/proto"},
                    {"SLUICE_PYTHON", "python3"}},
                   &config, &errors);
  EXPECT_TRUE(errors.empty()) << FormatErrors(errors);
  EXPECT_TRUE(MessageDifferencer::Equals(config, Defaults()));
}

TEST(ApplyEnvironmentTest, UnknownSluiceVariableIsAnErrorNamingIt) {
  v1::SluiceConfig config = Defaults();
  std::vector<FieldError> errors;
  ApplyEnvironment({{"SLUICE_CREDITS", "4"}}, &config, &errors);
  EXPECT_EQ(FormatErrors(errors),
            "environment: SLUICE_CREDITS: unknown variable: no configuration field has this name "
            "(got \"4\")");
}

TEST(ApplyEnvironmentTest, ListsAndMapsHaveNoVariable) {
  v1::SluiceConfig config = Defaults();
  std::vector<FieldError> errors;
  ApplyEnvironment({{"SLUICE_MODELS", "[]"}}, &config, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "SLUICE_MODELS");
  EXPECT_EQ(config.models_size(), 7);
}

TEST(ApplyEnvironmentTest, BadValueNamesTheVariableAndThePath) {
  v1::SluiceConfig config = Defaults();
  std::vector<FieldError> errors;
  ApplyEnvironment({{"SLUICE_STREAMS_OUTBOUND_WINDOW", "lots"}, {"SLUICE_LOG_LEVEL", "loud"}},
                   &config, &errors);
  EXPECT_EQ(FormatErrors(errors),
            "$SLUICE_STREAMS_OUTBOUND_WINDOW: streams.outbound_window: expected an unsigned "
            "integer (got \"lots\")\n"
            "$SLUICE_LOG_LEVEL: log_level: expected one of debug, info, warning, error (got "
            "\"loud\")");
  EXPECT_EQ(config.streams().outbound_window(), 16u);
}

}  // namespace
}  // namespace sluice::config
