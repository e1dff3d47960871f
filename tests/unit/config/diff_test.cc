// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Diff: changed fields split by the schema's live option.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/defaults.h"
#include "engine/config/diff.h"

namespace sluice::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(DiffTest, SameConfigIsNoChange) { EXPECT_TRUE(Diff(Defaults(), Defaults()).empty()); }

TEST(DiffTest, SplitsLiveFromRestart) {
  v1::SluiceConfig next = Defaults();
  next.mutable_streams()->set_credits_per_stream(4);
  next.mutable_streams()->set_inline_actors(false);
  next.mutable_listeners()->set_grpc_address("0.0.0.0:1");
  next.set_log_level(v1::LOG_LEVEL_DEBUG);
  next.mutable_keepalive()->set_time_seconds(60);
  const ConfigChange change = Diff(Defaults(), next);
  EXPECT_THAT(change.live, ElementsAre("streams.credits_per_stream", "log_level"));
  EXPECT_THAT(change.restart, ElementsAre("listeners.grpc_address", "streams.inline_actors",
                                          "keepalive.time_seconds"));
}

TEST(DiffTest, AnyModelChangeIsTheLiveEntryModels) {
  v1::SluiceConfig next = Defaults();
  (*next.mutable_models(2)->mutable_parameters())["max_tokens"] = "4";
  ConfigChange change = Diff(Defaults(), next);
  EXPECT_THAT(change.live, ElementsAre("models"));
  EXPECT_THAT(change.restart, IsEmpty());

  next = Defaults();
  next.mutable_models()->RemoveLast();
  EXPECT_THAT(Diff(Defaults(), next).live, ElementsAre("models"));
}

}  // namespace
}  // namespace sluice::config
