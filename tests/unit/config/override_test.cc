// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ApplyOverride (--set PATH=VALUE) and the classic sluiced flags' paths.

#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "engine/config/classic_flags.h"
#include "engine/config/defaults.h"
#include "engine/config/field_error.h"
#include "engine/config/sources.h"
#include "engine/config/validate.h"

namespace sluice::config {
namespace {

using ::google::protobuf::util::MessageDifferencer;

// Applies one override to the defaults; returns the formatted errors.
std::string Override(const std::string& path, const std::string& value, v1::SluiceConfig* config) {
  std::vector<FieldError> errors;
  ApplyOverride(path, value, "--set", config, &errors);
  return FormatErrors(errors);
}

TEST(ApplyOverrideTest, SetsAScalarFromPlainText) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(Override("streams.credits_per_stream", "4", &config), "");
  EXPECT_EQ(Override("listeners.metrics_address", "", &config), "");
  EXPECT_EQ(config.streams().credits_per_stream(), 4u);
  EXPECT_EQ(config.listeners().metrics_address(), "");
}

TEST(ApplyOverrideTest, PicksModelsByFieldValueOrIndex) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(Override("models[name=tokens].parameters.max_tokens", "5", &config), "");
  EXPECT_EQ(Override("models[0].credits_per_stream", "2", &config), "");
  EXPECT_EQ(config.models(2).parameters().at("max_tokens"), "5");
  EXPECT_EQ(config.models(2).parameters().at("tokens_per_second"), "20");
  EXPECT_EQ(config.models(0).credits_per_stream(), 2u);
}

TEST(ApplyOverrideTest, SectionsListsAndEntriesTakeYaml) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(Override("keepalive", "{time_seconds: 60, permit_without_calls: true}", &config), "");
  EXPECT_EQ(config.keepalive().time_seconds(), 60);
  EXPECT_EQ(config.keepalive().timeout_seconds(), 20);  // Overlaid, not replaced.
  EXPECT_EQ(Override("models[name=echo]", "{execution: model_pool}", &config), "");
  EXPECT_EQ(config.models(0).execution(), v1::EXECUTION_MODEL_POOL);
  EXPECT_EQ(Override("models", "[{name: a, kind: echo}]", &config), "");
  ASSERT_EQ(config.models_size(), 1);
  EXPECT_EQ(config.models(0).name(), "a");
}

TEST(ApplyOverrideTest, UnknownPathNamesTheField) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(Override("streams.credits", "4", &config),
            "--set: streams.credits: unknown field; the fields here are credits_per_stream, "
            "outbound_window, max_messages_per_turn, max_payload_bytes, max_message_bytes, "
            "inline_actors, credit_bytes_per_stream (got \"4\")");
}

TEST(ApplyOverrideTest, BadValueNamesPathValueAndReason) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(Override("streams.max_payload_bytes", "4MiB", &config),
            "--set: streams.max_payload_bytes: expected an unsigned integer (got \"4MiB\")");
  EXPECT_EQ(config.streams().max_payload_bytes(), 4194304u);
}

TEST(ApplyOverrideTest, NoMatchingEntry) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(Override("models[name=llama].parameters.max_tokens", "5", &config),
            "--set: models[name=llama]: no entry of models has name llama (got \"5\")");
  EXPECT_EQ(Override("models[9].kind", "echo", &config),
            "--set: models[9]: no such entry: the list has 7 (got \"echo\")");
}

TEST(ApplyOverrideTest, ListWithoutAnEntryAndScalarWithASubPath) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(Override("models.name", "x", &config),
            "--set: models: is a list: pick an entry, e.g. models[0] or models[name=tokens] "
            "(got \"x\")");
  EXPECT_EQ(Override("drain_seconds.max", "1", &config),
            "--set: drain_seconds.max: drain_seconds is a single value, not a section "
            "(got \"1\")");
}

TEST(ApplyOverrideTest, BadYamlValueForASection) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(Override("keepalive", "{time_seconds: [", &config),
            "--set: keepalive: YAML syntax error: end of sequence flow not found "
            "(got \"{time_seconds: [\")");
}

// The path ClassicFlagPaths() gives `flag`; "" when it has none.
std::string PathOf(const std::string& flag) {
  for (const auto& [name, path] : ClassicFlagPaths()) {
    if (name == flag) return path;
  }
  return "";
}

TEST(ClassicFlagPathsTest, EveryClassicFlagIsAPathThatTakesItsValue) {
  // The values sluiced's flags had by default: applying them changes nothing.
  const std::vector<std::pair<std::string, std::string>> defaults = {
      {"listen", "127.0.0.1:50051"},
      {"stream_threads", "0"},
      {"model_threads", "0"},
      {"credits", "64"},
      {"window", "16"},
      {"max_payload_bytes", "4194304"},
      {"max_messages_per_turn", "64"},
      {"inline_actors", "true"},
      {"drain_seconds", "10"},
      {"tokens_per_second", "20"},
      {"metrics_address", "127.0.0.1:9464"},
      {"admin_address", ""},
      {"metrics", "true"},
      {"max_tokens", "16"}};
  ASSERT_EQ(ClassicFlagPaths().size(), defaults.size());
  for (const auto& [flag, value] : defaults) {
    ASSERT_NE(PathOf(flag), "") << flag;
    v1::SluiceConfig config = Defaults();
    std::vector<FieldError> errors;
    ApplyOverride(PathOf(flag), value, "--" + flag, &config, &errors);
    EXPECT_EQ(FormatErrors(errors), "") << flag;
    EXPECT_TRUE(MessageDifferencer::Equals(config, Defaults())) << flag;
  }
}

TEST(ClassicFlagPathsTest, FlagsSetTheirFields) {
  v1::SluiceConfig config = Defaults();
  std::vector<FieldError> errors;
  ApplyOverride(PathOf("credits"), "3", "--credits", &config, &errors);
  ApplyOverride(PathOf("tokens_per_second"), "0", "--tokens_per_second", &config, &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(config.streams().credits_per_stream(), 3u);
  EXPECT_EQ(config.models(2).parameters().at("tokens_per_second"), "0");
}

}  // namespace
}  // namespace sluice::config
