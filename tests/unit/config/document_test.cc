// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ApplyDocument: YAML and JSON onto a config, and every kind of bad input
// reported with source, line, path, value and reason.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "engine/config/defaults.h"
#include "engine/config/field_error.h"
#include "engine/config/sources.h"

namespace sluice::config {
namespace {

using ::google::protobuf::util::MessageDifferencer;

using ::testing::HasSubstr;
using ::testing::SizeIs;

// The errors of applying `text` (as "f.yaml") to the defaults, formatted.
std::string ErrorsOf(const std::string& text, v1::SluiceConfig* config = nullptr) {
  v1::SluiceConfig scratch = Defaults();
  std::vector<FieldError> errors;
  ApplyDocument(text, "f.yaml", config != nullptr ? config : &scratch, &errors);
  return FormatErrors(errors);
}

TEST(ApplyDocumentTest, SetsOnlyTheFieldsItMentions) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(ErrorsOf("streams:\n  credits_per_stream: 4\nlog_level: WARNING\n", &config), "");
  EXPECT_EQ(config.streams().credits_per_stream(), 4u);
  EXPECT_EQ(config.log_level(), v1::LOG_LEVEL_WARNING);
  EXPECT_EQ(config.streams().outbound_window(), 16u);  // Untouched.
  EXPECT_EQ(config.models_size(), 7);
}

TEST(ApplyDocumentTest, AcceptsJsonWithProtoOrJsonNames) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(ErrorsOf(R"({"streams": {"creditsPerStream": 3, "max_payload_bytes": "1024"},
                         "listeners": {"grpcAddress": "0.0.0.0:6000"}, "logLevel": "error"})",
                     &config),
            "");
  EXPECT_EQ(config.streams().credits_per_stream(), 3u);
  // 64-bit numbers may be JSON strings, as protobuf's JSON mapping writes them.
  EXPECT_EQ(config.streams().max_payload_bytes(), 1024u);
  EXPECT_EQ(config.listeners().grpc_address(), "0.0.0.0:6000");
  EXPECT_EQ(config.log_level(), v1::LOG_LEVEL_ERROR);
}

TEST(ApplyDocumentTest, ModelsListReplacesTheWholeListFromModelDefaults) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(ErrorsOf("models:\n  - name: tokens\n    kind: tokens\n    parameters:\n"
                     "      max_tokens: 4\n",
                     &config),
            "");
  ASSERT_EQ(config.models_size(), 1);
  EXPECT_EQ(config.models(0).version(), "1");
  EXPECT_EQ(config.models(0).parameters().at("max_tokens"), "4");
  EXPECT_THAT(config.models(0).parameters(), SizeIs(1));
}

TEST(ApplyDocumentTest, EmptyDocumentAndEmptySectionChangeNothing) {
  v1::SluiceConfig config = Defaults();
  EXPECT_EQ(ErrorsOf("# nothing yet\n", &config), "");
  EXPECT_EQ(ErrorsOf("keepalive:\n  # time_seconds: 60\n", &config), "");
  EXPECT_TRUE(MessageDifferencer::Equals(config, Defaults()));
}

TEST(ApplyDocumentTest, UnknownFieldSuggestsTheNearestName) {
  EXPECT_EQ(ErrorsOf("streams:\n  credit_per_stream: 4\n"),
            "f.yaml:2: streams.credit_per_stream: unknown field; did you mean "
            "credits_per_stream? (got \"4\")");
}

TEST(ApplyDocumentTest, UnknownTopLevelFieldListsTheFields) {
  EXPECT_THAT(ErrorsOf("colour: blue\n"),
              HasSubstr("f.yaml:1: colour: unknown field; the fields here are listeners, "
                        "metrics, threads"));
}

TEST(ApplyDocumentTest, UnknownFieldInsideAModel) {
  EXPECT_EQ(ErrorsOf("models:\n  - name: a\n    kind: echo\n    colour: red\n"),
            "f.yaml:4: models[0].colour: unknown field; the fields here are name, kind, version, "
            "parameters, worker_threads, credits_per_stream, execution, max_streams, "
            "max_requests_in_flight, timeout_seconds (got \"red\")");
}

TEST(ApplyDocumentTest, QuotedStringForANumberIsAWrongType) {
  EXPECT_EQ(ErrorsOf("streams:\n  credits_per_stream: \"8\"\n"),
            "f.yaml:2: streams.credits_per_stream: expected an unsigned integer, not a quoted "
            "string (got \"8\")");
}

TEST(ApplyDocumentTest, TextForANumber) {
  EXPECT_EQ(ErrorsOf("drain_seconds: soon\n"),
            "f.yaml:1: drain_seconds: expected a number (got \"soon\")");
}

TEST(ApplyDocumentTest, NegativeForUnsigned) {
  EXPECT_EQ(ErrorsOf("threads:\n  stream_threads: -2\n"),
            "f.yaml:2: threads.stream_threads: must not be negative (uint32) (got \"-2\")");
}

TEST(ApplyDocumentTest, FractionForInteger) {
  EXPECT_EQ(ErrorsOf("streams:\n  outbound_window: 1.5\n"),
            "f.yaml:2: streams.outbound_window: expected a whole number (got \"1.5\")");
}

TEST(ApplyDocumentTest, BeyondTheTypesRange) {
  EXPECT_EQ(ErrorsOf("streams:\n  credits_per_stream: 4294967296\n"),
            "f.yaml:2: streams.credits_per_stream: out of range for uint32 (at most 4294967295) "
            "(got \"4294967296\")");
}

TEST(ApplyDocumentTest, ListWhereASectionIsExpected) {
  EXPECT_EQ(ErrorsOf("streams: [1, 2]\n"),
            "f.yaml:1: streams: expected a map of fields, not a list (got \"[1, 2]\")");
}

TEST(ApplyDocumentTest, SectionWhereAValueIsExpected) {
  EXPECT_EQ(ErrorsOf("log_level: {a: 1}\n"),
            "f.yaml:1: log_level: expected one of debug, info, warning, error, not a map "
            "(got \"{a: 1}\")");
}

TEST(ApplyDocumentTest, MapWhereTheModelsListIsExpected) {
  EXPECT_EQ(ErrorsOf("models:\n  name: echo\n"),
            "f.yaml:2: models: expected a list, not a map (got \"{name: echo}\")");
}

TEST(ApplyDocumentTest, NullForAString) {
  EXPECT_EQ(ErrorsOf("listeners:\n  admin_address:\n"),
            "f.yaml:2: listeners.admin_address: expected a string, not null (write \"\" for an "
            "empty string)");
}

TEST(ApplyDocumentTest, BadBoolAndBadEnum) {
  EXPECT_EQ(ErrorsOf("metrics:\n  enabled: maybe\nlog_level: loud\n"),
            "f.yaml:2: metrics.enabled: expected true or false (got \"maybe\")\n"
            "f.yaml:3: log_level: expected one of debug, info, warning, error (got \"loud\")");
}

TEST(ApplyDocumentTest, KeyGivenTwiceByProtoAndJsonName) {
  EXPECT_EQ(ErrorsOf("streams:\n  credits_per_stream: 4\n  creditsPerStream: 5\n"),
            "f.yaml:3: streams.credits_per_stream: given twice (by its proto or its JSON name) "
            "(got \"5\")");
}

TEST(ApplyDocumentTest, SyntaxErrorIsOneErrorWithLineAndColumn) {
  EXPECT_EQ(ErrorsOf("streams:\n  credits_per_stream: [1, 2\nlog_level: info\n"),
            "f.yaml: (document): YAML syntax error at line 3, column 10: end of sequence flow "
            "not found (got \"log_level: info\")");
}

TEST(ApplyDocumentTest, MoreThanOneDocumentIsAnError) {
  EXPECT_EQ(ErrorsOf("log_level: info\n---\nlog_level: debug\n"),
            "f.yaml: (document): expected one YAML document, found 2 (separated by ---)");
}

TEST(ApplyDocumentTest, TopLevelListIsAnError) {
  EXPECT_EQ(ErrorsOf("- a\n- b\n"),
            "f.yaml:1: (document): expected a map of fields, not a list (got \"[a, b]\")");
}

TEST(ApplyDocumentTest, ReportsEveryErrorAndAppliesTheRest) {
  v1::SluiceConfig config = Defaults();
  const std::string errors = ErrorsOf(
      "streams:\n"
      "  credits_per_stream: -1\n"
      "  outbound_window: 32\n"
      "  bogus: 1\n"
      "drain_seconds: forever\n"
      "models:\n"
      "  - name: a\n"
      "    kind: echo\n"
      "    worker_threads: x\n",
      &config);
  EXPECT_EQ(errors,
            "f.yaml:2: streams.credits_per_stream: must not be negative (uint32) (got \"-1\")\n"
            "f.yaml:4: streams.bogus: unknown field; the fields here are credits_per_stream, "
            "outbound_window, max_messages_per_turn, max_payload_bytes, max_message_bytes, "
            "inline_actors, credit_bytes_per_stream (got \"1\")\n"
            "f.yaml:5: drain_seconds: expected a number (got \"forever\")\n"
            "f.yaml:9: models[0].worker_threads: expected an unsigned integer (got \"x\")");
  EXPECT_EQ(config.streams().outbound_window(), 32u);
}

}  // namespace
}  // namespace sluice::config
