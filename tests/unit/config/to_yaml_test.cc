// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ToYaml: the printed config reads back to the same message.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "engine/config/defaults.h"
#include "engine/config/field_error.h"
#include "engine/config/sources.h"
#include "engine/config/to_yaml.h"

namespace sluice::config {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

// ToYaml(config) applied onto an empty config.
v1::SluiceConfig RoundTrip(const v1::SluiceConfig& config) {
  v1::SluiceConfig back;
  std::vector<FieldError> errors;
  ApplyDocument(ToYaml(config), "printed", &back, &errors);
  EXPECT_EQ(FormatErrors(errors), "");
  return back;
}

TEST(ToYamlTest, DefaultsRoundTrip) {
  EXPECT_TRUE(MessageDifferencer::Equals(RoundTrip(Defaults()), Defaults()));
}

TEST(ToYamlTest, AwkwardValuesRoundTrip) {
  v1::SluiceConfig config = Defaults();
  config.set_drain_seconds(0.1);
  config.mutable_deadlines()->set_max_seconds(1e-3);
  config.mutable_listeners()->set_admin_address("");
  config.mutable_streams()->set_max_payload_bytes(1073741824);
  config.set_log_level(v1::LOG_LEVEL_ERROR);
  v1::ModelConfig& model = *config.add_models();
  model.set_name("x.y-z");
  model.set_kind("echo");
  model.set_version("007");  // A string that looks like a number stays a string.
  model.set_execution(v1::EXECUTION_INLINE);
  (*model.mutable_parameters())["quote\"and\\slash"] = "line\nbreak\ttab";
  (*model.mutable_parameters())["empty"] = "";
  (*model.mutable_parameters())["unicode"] = "h\xc3\xa9llo";
  EXPECT_TRUE(MessageDifferencer::Equals(RoundTrip(config), config)) << ToYaml(config);
}

TEST(ToYamlTest, EveryFieldHasItsUnitAndWhenItApplies) {
  const std::string yaml = ToYaml(Defaults());
  EXPECT_THAT(yaml, HasSubstr("  credits_per_stream: 64  # requests, live\n"));
  EXPECT_THAT(yaml, HasSubstr("  grpc_address: \"127.0.0.1:50051\"  # address, restart\n"));
  EXPECT_THAT(yaml, HasSubstr("log_level: info  # live\n"));
  EXPECT_THAT(yaml, HasSubstr("models:  # live\n  - name: \"echo\"  # live\n"));
  EXPECT_THAT(yaml, HasSubstr("    parameters:  # live\n      \"max_tokens\": \"16\"\n"));
}

}  // namespace
}  // namespace sluice::config
