// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of LiveStreams: the list it links through the stream actors stays
// whole as streams come and go, in any order, and its limits refuse cleanly.

#include "actors/live_streams.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "actors/actor_census.h"
#include "actors/live_settings.h"
#include "actors/stream_actor.h"
#include "actors/stream_environment.h"
#include "metrics/engine_counters.h"

namespace sluice::actors {
namespace {

class LiveStreamsTest : public ::testing::Test {
 protected:
  // Never started: the streams are only registered, so no turn runs and no
  // port is needed.
  std::shared_ptr<StreamActor> NewStream() {
    return std::make_shared<StreamActor>(environment_, nullptr,
                                         std::chrono::system_clock::time_point::max(),
                                         RpcKind::kBidiStreaming);
  }

  std::set<const StreamActor*> Listed() const {
    std::set<const StreamActor*> listed;
    live_.ForEach([&](const StreamActor& stream) { EXPECT_TRUE(listed.insert(&stream).second); });
    return listed;
  }

  boost::asio::thread_pool pool_{1};
  LiveSettings settings_{StreamSettings{}};
  metrics::EngineCounters counters_;
  ActorCensus census_;
  LiveStreams live_;
  StreamEnvironment environment_{.stream_executor = pool_.get_executor(),
                                 .model_executor = pool_.get_executor(),
                                 .settings = &settings_,
                                 .counters = &counters_,
                                 .live_streams = &live_,
                                 .census = &census_};
};

TEST_F(LiveStreamsTest, RemovingFromTheMiddleHeadAndTailKeepsTheRestListed) {
  std::vector<std::shared_ptr<StreamActor>> streams;
  for (int i = 0; i < 5; ++i) {
    streams.push_back(NewStream());
    ASSERT_TRUE(live_.Add(*streams.back()).ok());
  }
  EXPECT_EQ(live_.size(), 5u);
  EXPECT_EQ(Listed().size(), 5u);

  // The list is built newest first: streams[4] is its head, streams[0] its tail.
  for (int removed : {2, 4, 0}) {
    live_.Remove(*streams[removed]);
    EXPECT_EQ(Listed().count(streams[removed].get()), 0u) << removed;
  }
  EXPECT_EQ(Listed(), (std::set<const StreamActor*>{streams[1].get(), streams[3].get()}));
  EXPECT_EQ(live_.size(), 2u);

  // Removing twice, or re-adding a removed stream, keeps the count true.
  live_.Remove(*streams[2]);
  EXPECT_EQ(live_.size(), 2u);
  ASSERT_TRUE(live_.Add(*streams[2]).ok());
  EXPECT_EQ(Listed(),
            (std::set<const StreamActor*>{streams[1].get(), streams[2].get(), streams[3].get()}));

  for (const auto& stream : streams) live_.Remove(*stream);
  EXPECT_EQ(live_.size(), 0u);
  EXPECT_TRUE(Listed().empty());
  EXPECT_TRUE(live_.WaitUntilEmpty(std::chrono::steady_clock::now()));
}

TEST_F(LiveStreamsTest, AStreamRefusedAtTheLimitIsNotListedAndItsRemoveIsANoOp) {
  live_.set_max_streams(2);
  auto first = NewStream();
  auto second = NewStream();
  auto third = NewStream();
  ASSERT_TRUE(live_.Add(*first).ok());
  ASSERT_TRUE(live_.Add(*second).ok());
  const absl::Status refused = live_.Add(*third);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("limits.max_concurrent_streams"), std::string_view::npos);

  // A refused stream still ends through Remove(); that must not unlink others.
  live_.Remove(*third);
  EXPECT_EQ(Listed(), (std::set<const StreamActor*>{first.get(), second.get()}));
  EXPECT_FALSE(live_.WaitUntilEmpty(std::chrono::steady_clock::now()));

  live_.Remove(*first);
  ASSERT_TRUE(live_.Add(*third).ok());  // Room again.
  EXPECT_EQ(Listed(), (std::set<const StreamActor*>{second.get(), third.get()}));
  live_.Remove(*second);
  live_.Remove(*third);
}

TEST_F(LiveStreamsTest, AStreamDestroyedWhileListedLeavesTheList) {
  auto kept = NewStream();
  auto dropped = NewStream();
  ASSERT_TRUE(live_.Add(*kept).ok());
  ASSERT_TRUE(live_.Add(*dropped).ok());
  dropped.reset();  // Never ran its last turn, as when its pool shut down first.
  EXPECT_EQ(Listed(), (std::set<const StreamActor*>{kept.get()}));
  EXPECT_EQ(live_.size(), 1u);
  live_.Remove(*kept);
}

TEST_F(LiveStreamsTest, AfterRefuseNewEveryAddReturnsTheDrainStatus) {
  auto stream = NewStream();
  live_.RefuseNew(absl::UnavailableError("draining"));
  const absl::Status refused = live_.Add(*stream);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(refused.message(), "draining");
  EXPECT_EQ(live_.size(), 0u);
  live_.Remove(*stream);
  EXPECT_EQ(live_.size(), 0u);
}

}  // namespace
}  // namespace sluice::actors
