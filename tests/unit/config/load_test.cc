// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Load: defaults < file < environment < overrides, then Validate, with every
// error from every source in one status.

#include <fstream>
#include <set>
#include <string>

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "engine/config/defaults.h"
#include "engine/config/load.h"

namespace sluice::config {
namespace {

using ::google::protobuf::util::MessageDifferencer;

const std::set<std::string> kDemoKinds = {"echo", "echo_pool", "tokens", "sensors",
                                          "blob", "predict",   "feed"};

// Writes `text` to a file of the test's own and returns its path.
std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(LoadTest, NothingGivenIsTheDefaults) {
  absl::StatusOr<v1::SluiceConfig> config = Load({.known_model_kinds = kDemoKinds});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*config, Defaults()));
}

TEST(LoadTest, FileThenEnvironmentThenOverrideOnTheSameField) {
  const std::string file = WriteFile("precedence.yaml",
                                     "streams:\n  credits_per_stream: 2\n  outbound_window: 4\n"
                                     "drain_seconds: 3\nlog_level: warning\n");
  LoadRequest request{
      .file_path = file,
      .environment = {{"SLUICE_STREAMS_CREDITS_PER_STREAM", "5"}, {"SLUICE_DRAIN_SECONDS", "6"}},
      .overrides = {{.path = "streams.credits_per_stream", .value = "7", .source = "--set"}},
      .known_model_kinds = kDemoKinds};
  absl::StatusOr<v1::SluiceConfig> config = Load(request);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->streams().credits_per_stream(), 7u);  // override > env > file
  EXPECT_EQ(config->drain_seconds(), 6);                  // env > file
  EXPECT_EQ(config->streams().outbound_window(), 4u);     // file > defaults
  EXPECT_EQ(config->log_level(), v1::LOG_LEVEL_WARNING);
  EXPECT_EQ(config->streams().max_messages_per_turn(), 64u);  // defaults
}

TEST(LoadTest, EveryErrorFromEverySourceInOneStatus) {
  const std::string file = WriteFile("bad.yaml", "streams:\n  credits_per_stream: many\n");
  LoadRequest request{.file_path = file,
                      .environment = {{"SLUICE_NOPE", "1"}},
                      .overrides = {{.path = "log_level", .value = "loud", .source = "--set"}},
                      .known_model_kinds = kDemoKinds};
  absl::StatusOr<v1::SluiceConfig> config = Load(request);
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(),
            file +
                ":2: streams.credits_per_stream: expected an unsigned integer (got \"many\")\n"
                "environment: SLUICE_NOPE: unknown variable: no configuration field has this "
                "name (got \"1\")\n"
                "--set: log_level: expected one of debug, info, warning, error (got \"loud\")");
}

TEST(LoadTest, ValidationErrorNamesTheSourceOfTheValue) {
  const std::string file = WriteFile("range.yaml", "streams:\n  outbound_window: 0\n");
  LoadRequest request{
      .file_path = file,
      .environment = {{"SLUICE_THREADS_MODEL_THREADS", "2000"}},
      .overrides = {{.path = "models[name=echo].kind", .value = "gpt", .source = "--set"}},
      .known_model_kinds = kDemoKinds};
  absl::StatusOr<v1::SluiceConfig> config = Load(request);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "$SLUICE_THREADS_MODEL_THREADS: threads.model_threads: must be between 0 and 1024 "
            "(got \"2000\")\n" +
                file +
                ": streams.outbound_window: must be between 1 and 65536 (got \"0\")\n"
                "--set: models[0].kind: unknown model kind; the known kinds are blob, echo, "
                "echo_pool, feed, predict, sensors, tokens (got \"gpt\")");
}

TEST(LoadTest, UnreadableFileIsAnError) {
  absl::StatusOr<v1::SluiceConfig> config =
      Load({.file_path = ::testing::TempDir() + "/missing.yaml"});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            ::testing::TempDir() + "/missing.yaml: (file): cannot open: No such file or directory");
}

TEST(LoadTest, TheExampleFileLoads) {
  absl::StatusOr<v1::SluiceConfig> config =
      Load({.file_path = SLUICE_EXAMPLE_CONFIG, .known_model_kinds = kDemoKinds});
  ASSERT_TRUE(config.ok()) << config.status();
  // It says its values are the defaults: hold it to that.
  EXPECT_TRUE(MessageDifferencer::Equals(*config, Defaults()));
}

}  // namespace
}  // namespace sluice::config
