// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Defaults(): built from the schema's default_text, and equal to what sluiced
// does today without a config (EngineOptions, the demo models, the tokens
// model's options).

#include <gtest/gtest.h>

#include "engine/config/defaults.h"
#include "engine/config/internal/schema.h"
#include "engine/models/tokens_model.h"
#include "sluice/engine.h"

namespace sluice::config {
namespace {

TEST(DefaultsTest, EveryDefaultTextParses) {
  v1::SluiceConfig config;
  EXPECT_EQ(internal::FillFieldDefaults(config), "");
  v1::ModelConfig model;
  EXPECT_EQ(internal::FillFieldDefaults(model), "");
}

TEST(DefaultsTest, EqualEngineOptionsDefaults) {
  const EngineOptions engine;
  const v1::SluiceConfig config = Defaults();
  EXPECT_EQ(config.listeners().grpc_address(), engine.listen_address);
  EXPECT_EQ(config.listeners().metrics_address(), engine.metrics_address);
  EXPECT_EQ(config.listeners().reflection(), engine.enable_reflection);
  EXPECT_EQ(config.metrics().enabled(), engine.enable_metrics);
  EXPECT_EQ(config.threads().stream_threads(), engine.stream_threads);
  EXPECT_EQ(config.threads().model_threads(), engine.model_threads);
  EXPECT_EQ(config.streams().credits_per_stream(), engine.credits_per_stream);
  EXPECT_EQ(config.streams().credit_bytes_per_stream(), engine.credit_bytes_per_stream);
  EXPECT_EQ(config.streams().outbound_window(), engine.outbound_window);
  EXPECT_EQ(config.streams().max_messages_per_turn(), engine.max_messages_per_turn);
  EXPECT_EQ(config.streams().max_payload_bytes(), engine.max_payload_bytes);
  EXPECT_EQ(config.streams().max_message_bytes(), engine.max_message_bytes);
  EXPECT_EQ(config.streams().inline_actors(), engine.run_stream_actors_inline);
  EXPECT_EQ(config.threads().batch_scheduling(), engine.batch_scheduling);
  // sluiced's --drain_seconds default.
  EXPECT_EQ(config.drain_seconds(), 10.0);
  EXPECT_EQ(config.listeners().admin_address(), "");
  EXPECT_EQ(config.log_level(), v1::LOG_LEVEL_INFO);
}

TEST(DefaultsTest, AreTheDemoModelsWithTodaysTokensOptions) {
  const v1::SluiceConfig config = Defaults();
  std::vector<std::string> names;
  for (const v1::ModelConfig& model : config.models()) {
    names.push_back(model.name());
    EXPECT_EQ(model.kind(), model.name());
    EXPECT_EQ(model.version(), "1");
    EXPECT_EQ(model.execution(), v1::EXECUTION_DEFAULT);
    EXPECT_EQ(model.credits_per_stream(), 0u);
    if (model.name() != "tokens") EXPECT_TRUE(model.parameters().empty()) << model.name();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"echo", "echo_pool", "tokens", "sensors", "blob",
                                             "predict", "feed"}));
  const models::TokensModelOptions tokens;
  EXPECT_EQ(config.models(2).parameters().at("max_tokens"), std::to_string(tokens.max_tokens));
  EXPECT_EQ(std::stod(config.models(2).parameters().at("tokens_per_second")),
            tokens.tokens_per_second);
}

}  // namespace
}  // namespace sluice::config
