// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `feed` model driven directly (no gRPC): ordered delivery to many
// subscribers, bounded buffers under both overflow policies, Wait/Notify,
// and unsubscription when a session ends.

#include "engine/models/feed_model.h"
#include "engine/models/feed_topics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "tests/unit/models/fake_sink.h"

namespace sluice::models::testing {
namespace {

using ::testing::HasSubstr;

// A subscriber session with what it received, driven by the test.
struct Subscriber {
  std::shared_ptr<std::atomic<int>> notifications = std::make_shared<std::atomic<int>>(0);
  int notifications_seen = 0;
  std::unique_ptr<ModelSession> session;
  FakeSink sink;
  Step last = Step::Done();

  Subscriber(FeedModel& model, std::vector<std::pair<std::string, std::string>> parameters,
             RpcKind kind = RpcKind::kServerStreaming) {
    session = OpenSession(model, MakeContext("feed", kind, notifications));
    last = Request(*session, sink, MakeRequest("", std::move(parameters)));
  }
  // Resumes if notified since the last time, as the engine would.
  void Poll() {
    if (notifications->load() == notifications_seen) return;
    notifications_seen = notifications->load();
    last = Resume(*session, sink);
  }
  std::vector<v1::InferResponse> Items() {
    std::vector<v1::InferResponse> items;
    for (const auto& response : sink.responses()) {
      if (Param(response, "event") == "item") items.push_back(response);
    }
    return items;
  }
};

v1::InferResponse Publish(ModelSession& publisher, const std::string& topic,
                          const std::string& payload) {
  FakeSink sink;
  EXPECT_EQ(
      Request(publisher, sink, MakeRequest(payload, {{"topic", topic}, {"op", "publish"}})).kind(),
      Step::Kind::kDone);
  EXPECT_EQ(sink.responses().size(), 1u);
  return sink.responses().empty() ? v1::InferResponse() : sink.responses()[0];
}

TEST(FeedModelTest, FiftySubscribersGetEveryItemInOrderWhileStalledOnesOverflow) {
  FeedModel model;
  constexpr int kItems = 500;
  constexpr int kBuffer = 32;
  const std::string buffer = absl::StrCat(kBuffer);
  std::vector<std::unique_ptr<Subscriber>> live;
  for (int i = 0; i < 48; ++i) {
    live.push_back(std::make_unique<Subscriber>(
        model,
        std::vector<std::pair<std::string, std::string>>{{"topic", "news"}, {"buffer", buffer}},
        i % 2 == 0 ? RpcKind::kServerStreaming : RpcKind::kBidiStreaming));
  }
  Subscriber stalled_dropping(model,
                              {{"topic", "news"}, {"buffer", buffer}, {"policy", "drop-oldest"}});
  Subscriber stalled_disconnecting(
      model, {{"topic", "news"}, {"buffer", buffer}, {"policy", "disconnect"}});
  // Every subscription starts with a notice saying from which item it is live.
  for (Subscriber* s : {&stalled_dropping, &stalled_disconnecting, live[0].get()}) {
    ASSERT_EQ(s->last.kind(), Step::Kind::kWait);
    ASSERT_EQ(s->sink.responses().size(), 1u);
    EXPECT_EQ(Param(s->sink.responses()[0], "event"), "subscribed");
    EXPECT_EQ(Param(s->sink.responses()[0], "next_sequence"), "1");
  }
  // A subscriber of another topic sees none of these.
  Subscriber elsewhere(model, {{"topic", "sports"}});

  auto publisher = OpenSession(model, MakeContext("feed", RpcKind::kBidiStreaming));
  for (int i = 1; i <= kItems; ++i) {
    const v1::InferResponse confirmation = Publish(*publisher, "news", absl::StrCat("item-", i));
    ASSERT_EQ(Param(confirmation, "sequence"), absl::StrCat(i));
    // The disconnecting subscriber counts until the item that overflows it.
    ASSERT_EQ(Param(confirmation, "subscribers"), i <= kBuffer ? "50" : "49") << i;
    for (auto& subscriber : live) subscriber->Poll();
  }
  for (auto& subscriber : live) {
    ASSERT_EQ(subscriber->last.kind(), Step::Kind::kWait);
    const std::vector<v1::InferResponse> items = subscriber->Items();
    ASSERT_EQ(items.size(), static_cast<size_t>(kItems));
    for (int i = 1; i <= kItems; ++i) {
      ASSERT_EQ(Param(items[i - 1], "sequence"), absl::StrCat(i));
      ASSERT_EQ(items[i - 1].payload(), absl::StrCat("item-", i));
      ASSERT_EQ(Param(items[i - 1], "dropped_total"), "0");
      ASSERT_EQ(Param(items[i - 1], "topic"), "news");
    }
  }
  // The stalled ones were told (once each, when their buffer first filled)...
  EXPECT_EQ(stalled_dropping.notifications->load(), 1);
  EXPECT_EQ(stalled_disconnecting.notifications->load(), 2);  // And when it overflowed.
  // ...the dropping one now gets the newest kBuffer items and the exact count
  // of what it lost...
  stalled_dropping.Poll();
  ASSERT_EQ(stalled_dropping.last.kind(), Step::Kind::kWait);
  const std::vector<v1::InferResponse> kept = stalled_dropping.Items();
  ASSERT_EQ(kept.size(), static_cast<size_t>(kBuffer));
  for (int i = 0; i < kBuffer; ++i) {
    EXPECT_EQ(Param(kept[i], "sequence"), absl::StrCat(kItems - kBuffer + 1 + i));
    EXPECT_EQ(Param(kept[i], "dropped_total"), absl::StrCat(kItems - kBuffer));
  }
  // ...and the disconnecting one fails, saying how far behind it fell.
  stalled_disconnecting.Poll();
  ASSERT_EQ(stalled_disconnecting.last.kind(), Step::Kind::kFail);
  EXPECT_EQ(stalled_disconnecting.last.status().code(), absl::StatusCode::kResourceExhausted);
  const std::string message(stalled_disconnecting.last.status().message());
  EXPECT_THAT(message, HasSubstr(absl::StrCat("fell ", kBuffer + 1, " items (")));
  EXPECT_THAT(message,
              HasSubstr(absl::StrCat("behind on topic 'news' (buffer ", kBuffer, " items or ")));
  EXPECT_THAT(message, HasSubstr(absl::StrCat("policy disconnect): item ", kBuffer + 1)));
  EXPECT_EQ(stalled_disconnecting.Items().size(), 0u);
  EXPECT_EQ(elsewhere.notifications->load(), 0);
  EXPECT_EQ(elsewhere.sink.responses().size(), 1u);  // Only its notice.
}

// However large the items, a stalled subscriber holds at most its byte
// budget: drop-oldest drops by bytes too, and disconnect says how far behind.
TEST(FeedModelTest, SubscriptionBufferIsBoundedInBytes) {
  auto context = std::make_shared<SessionContext>(
      "s", "feed", "1", std::chrono::system_clock::time_point::max(), RpcKind::kServerStreaming);
  using internal::FeedItem;
  using internal::OverflowPolicy;
  using internal::Subscription;
  auto item = [](uint64_t sequence) {
    return std::make_shared<const FeedItem>(FeedItem{sequence, std::string(300, 'x')});
  };
  Subscription dropping("t", 100, OverflowPolicy::kDropOldest, context, /*max_bytes=*/1000);
  bool wake = false;
  for (uint64_t i = 1; i <= 10; ++i) ASSERT_TRUE(dropping.Offer(item(i), &wake));
  std::vector<internal::FeedItemSharedPtr> taken;
  Subscription::Taken result = dropping.Take(100, &taken);
  ASSERT_EQ(taken.size(), 3u);  // 3 x 300 bytes fit in 1000; a 4th would not.
  EXPECT_EQ(taken.front()->sequence, 8u);
  EXPECT_EQ(result.dropped_total, 7u);

  Subscription disconnecting("t", 100, OverflowPolicy::kDisconnect, context, 1000);
  for (uint64_t i = 1; i <= 3; ++i) ASSERT_TRUE(disconnecting.Offer(item(i), &wake));
  EXPECT_FALSE(disconnecting.Offer(item(4), &wake));
  taken.clear();
  result = disconnecting.Take(100, &taken);
  EXPECT_EQ(result.overflow.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(result.overflow.message()), HasSubstr("1200 bytes) behind"));
}

TEST(FeedModelTest, NotifyBeforeWaitIsKeptAndAnEmptyResumeWaitsAgain) {
  FeedModel model;
  Subscriber subscriber(model, {{"topic", "t"}});
  auto publisher = OpenSession(model, MakeContext("feed", RpcKind::kUnary));
  FakeSink sink;
  ASSERT_EQ(Request(*publisher, sink, MakeRequest("x", {{"topic", "t"}})).kind(),
            Step::Kind::kDone);
  EXPECT_EQ(Param(sink.responses()[0], "event"), "published");
  EXPECT_EQ(Param(sink.responses()[0], "sequence"), "1");
  EXPECT_EQ(Param(sink.responses()[0], "subscribers"), "1");
  ASSERT_EQ(subscriber.notifications->load(), 1);
  subscriber.Poll();
  EXPECT_EQ(subscriber.last.kind(), Step::Kind::kWait);
  EXPECT_EQ(subscriber.Items().size(), 1u);
  // A wake-up with nothing new: Wait again, emit nothing.
  subscriber.last = Resume(*subscriber.session, subscriber.sink);
  EXPECT_EQ(subscriber.last.kind(), Step::Kind::kWait);
  EXPECT_EQ(subscriber.Items().size(), 1u);
}

TEST(FeedModelTest, ASubscriberThatReadsSlowlyIsResumedUntilDrained) {
  FeedModel model;
  Subscriber subscriber(model, {{"topic", "t"}});
  subscriber.sink.set_room_per_call(3);
  auto publisher = OpenSession(model, MakeContext("feed", RpcKind::kBidiStreaming));
  for (int i = 0; i < 10; ++i) Publish(*publisher, "t", "x");
  EXPECT_EQ(subscriber.notifications->load(), 1);  // Only the first made it non-empty.
  subscriber.sink.StartCall();
  EXPECT_EQ(subscriber.session->OnResume(subscriber.sink).kind(), Step::Kind::kResume);
  subscriber.Poll();  // Resume() runs to Wait, 3 per call.
  EXPECT_EQ(subscriber.last.kind(), Step::Kind::kWait);
  EXPECT_EQ(subscriber.Items().size(), 10u);
}

TEST(FeedModelTest, EndedSessionsAreUnsubscribed) {
  FeedModel model;
  auto publisher = OpenSession(model, MakeContext("feed", RpcKind::kUnary));
  auto subscriber = std::make_unique<Subscriber>(
      model, std::vector<std::pair<std::string, std::string>>{{"topic", "t"}});
  auto cancelled = std::make_unique<Subscriber>(
      model, std::vector<std::pair<std::string, std::string>>{{"topic", "t"}});
  EXPECT_EQ(Param(Publish(*publisher, "t", "a"), "subscribers"), "2");
  cancelled->session->OnCancel();
  EXPECT_EQ(Param(Publish(*publisher, "t", "b"), "subscribers"), "1");
  subscriber.reset();  // Destroyed with an item still buffered.
  cancelled.reset();
  EXPECT_EQ(Param(Publish(*publisher, "t", "c"), "subscribers"), "0");
  EXPECT_EQ(Param(Publish(*publisher, "t", "d"), "sequence"), "4");  // Topics keep counting.
}

TEST(FeedModelTest, MaxItemsEndsTheSubscriptionAndABidiStreamMaySubscribeAgain) {
  FeedModel model;
  Subscriber subscriber(model, {{"topic", "t"}, {"max_items", "3"}}, RpcKind::kBidiStreaming);
  auto publisher = OpenSession(model, MakeContext("feed", RpcKind::kBidiStreaming));
  for (int i = 0; i < 5; ++i) Publish(*publisher, "t", absl::StrCat(i));
  subscriber.Poll();
  ASSERT_EQ(subscriber.last.kind(), Step::Kind::kDone);
  ASSERT_EQ(subscriber.Items().size(), 3u);
  EXPECT_EQ(Param(Publish(*publisher, "t", "x"), "subscribers"), "0");
  // The stream's next request subscribes anew, from the next item on.
  subscriber.sink.TakeResponses();
  subscriber.last = Request(*subscriber.session, subscriber.sink,
                            MakeRequest("", {{"topic", "t"}, {"op", "subscribe"}}));
  ASSERT_EQ(subscriber.last.kind(), Step::Kind::kWait);
  EXPECT_EQ(Param(subscriber.sink.responses()[0], "next_sequence"), "7");
  EXPECT_EQ(Param(Publish(*publisher, "t", "y"), "subscribers"), "1");
}

TEST(FeedModelTest, IngestPublishesManyAndConfirmsOnce) {
  FeedModel model;
  Subscriber a(model, {{"topic", "logs"}});
  Subscriber b(model, {{"topic", "logs"}});
  auto publisher = OpenSession(model, MakeContext("feed", RpcKind::kClientStreaming));
  FakeSink sink;
  // Only the first request names the topic; the rest repeat it.
  ASSERT_EQ(Request(*publisher, sink, MakeRequest("line 1", {{"topic", "logs"}})).kind(),
            Step::Kind::kDone);
  for (int i = 2; i <= 10; ++i) {
    ASSERT_EQ(Request(*publisher, sink, MakeRequest(absl::StrCat("line ", i))).kind(),
              Step::Kind::kDone);
  }
  EXPECT_TRUE(sink.responses().empty());
  ASSERT_EQ(HalfClose(*publisher, sink).kind(), Step::Kind::kDone);
  ASSERT_EQ(sink.responses().size(), 1u);
  EXPECT_EQ(Param(sink.responses()[0], "count"), "10");
  EXPECT_EQ(Param(sink.responses()[0], "deliveries"), "20");
  EXPECT_EQ(Param(sink.responses()[0], "topic"), "logs");
  EXPECT_EQ(Param(sink.responses()[0], "sequence"), "10");
  a.Poll();
  EXPECT_EQ(a.Items().size(), 10u);
  EXPECT_EQ(a.Items()[9].payload(), "line 10");
}

TEST(FeedModelTest, BadRequestsAreRejectedAsTheirKindAllows) {
  FeedModel model;
  struct Case {
    RpcKind kind;
    std::vector<std::pair<std::string, std::string>> parameters;
    std::string mention;
  };
  const std::vector<Case> cases = {
      {RpcKind::kServerStreaming, {}, "parameter 'topic'"},
      {RpcKind::kServerStreaming, {{"topic", "a b"}}, "'a b'"},
      {RpcKind::kServerStreaming, {{"topic", "t"}, {"buffer", "0"}}, "'buffer'"},
      {RpcKind::kServerStreaming, {{"topic", "t"}, {"buffer", "65537"}}, "'buffer'"},
      {RpcKind::kServerStreaming, {{"topic", "t"}, {"policy", "newest"}}, "'newest'"},
      {RpcKind::kServerStreaming, {{"topic", "t"}, {"max_items", "-1"}}, "'max_items'"},
      {RpcKind::kServerStreaming, {{"topic", "t"}, {"op", "publish"}}, "'publish' on Generate"},
      {RpcKind::kUnary, {{"topic", "t"}, {"op", "subscribe"}}, "'subscribe' on Infer"},
      {RpcKind::kUnary, {}, "parameter 'topic'"},
      {RpcKind::kBidiStreaming, {{"topic", "t"}, {"op", "peek"}}, "'peek' on Stream"},
  };
  for (const Case& c : cases) {
    auto session = OpenSession(model, MakeContext("feed", c.kind));
    FakeSink sink;
    ASSERT_EQ(Request(*session, sink, MakeRequest("", c.parameters)).kind(), Step::Kind::kDone);
    ASSERT_EQ(sink.responses().size(), 1u);
    ASSERT_TRUE(sink.responses()[0].has_error()) << c.mention;
    EXPECT_EQ(sink.responses()[0].error().code(),
              static_cast<int>(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(sink.responses()[0].error().message(), HasSubstr(c.mention));
  }
  // Ingest ends the call at once instead (items before it were published).
  auto ingest = OpenSession(model, MakeContext("feed", RpcKind::kClientStreaming));
  FakeSink sink;
  const Step step = Request(*ingest, sink, MakeRequest("x"));
  ASSERT_EQ(step.kind(), Step::Kind::kFail);
  EXPECT_EQ(step.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(step.status().message(), HasSubstr("parameter 'topic'"));
}

TEST(FeedModelTest, DropOldestWithBufferOneKeepsTheNewest) {
  FeedModel model;
  Subscriber subscriber(model, {{"topic", "t"}, {"buffer", "1"}});
  auto publisher = OpenSession(model, MakeContext("feed", RpcKind::kBidiStreaming));
  for (int i = 1; i <= 5; ++i) Publish(*publisher, "t", absl::StrCat(i));
  subscriber.Poll();
  ASSERT_EQ(subscriber.Items().size(), 1u);
  EXPECT_EQ(subscriber.Items()[0].payload(), "5");
  EXPECT_EQ(Param(subscriber.Items()[0], "dropped_total"), "4");
}

// A wake-up a thread can wait for, as the engine's session actor does.
class Doorbell {
 public:
  void Ring() {
    absl::MutexLock lock(&mu_);
    rung_ = true;
  }
  void WaitAndReset() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&rung_));
    rung_ = false;
  }

 private:
  absl::Mutex mu_;
  bool rung_ ABSL_GUARDED_BY(mu_) = false;
};

TEST(FeedModelTest, ConcurrentPublishersAndSubscribersLoseNothing) {
  FeedModel model;
  constexpr int kPublishers = 2;
  constexpr int kPerPublisher = 5000;
  constexpr int kSubscribers = 4;
  constexpr int kTotal = kPublishers * kPerPublisher;
  struct Reader {
    std::shared_ptr<Doorbell> bell = std::make_shared<Doorbell>();
    std::unique_ptr<ModelSession> session;
    std::vector<v1::InferResponse> items;
  };
  std::vector<Reader> readers(kSubscribers);
  for (Reader& reader : readers) {
    auto context = std::make_shared<SessionContext>(
        "s", "feed", "1", std::chrono::system_clock::time_point::max(), RpcKind::kServerStreaming);
    context->SetNotifier(reader.bell, [](void* bell) { static_cast<Doorbell*>(bell)->Ring(); });
    reader.session = OpenSession(model, context);
    FakeSink sink;
    ASSERT_EQ(
        Request(*reader.session, sink,
                MakeRequest(
                    "", {{"topic", "t"}, {"buffer", "65536"}, {"max_items", absl::StrCat(kTotal)}}))
            .kind(),
        Step::Kind::kWait);
  }
  std::vector<std::thread> threads;
  for (Reader& reader : readers) {
    threads.emplace_back([&reader] {
      FakeSink sink(/*room_per_call=*/7);
      while (true) {
        reader.bell->WaitAndReset();
        const Step step = Resume(*reader.session, sink);
        for (auto& item : sink.TakeResponses()) reader.items.push_back(std::move(item));
        if (step.kind() != Step::Kind::kWait) return;
      }
    });
  }
  for (int p = 0; p < kPublishers; ++p) {
    threads.emplace_back([&model, p] {
      auto publisher = OpenSession(model, MakeContext("feed", RpcKind::kBidiStreaming));
      for (int i = 0; i < kPerPublisher; ++i) Publish(*publisher, "t", absl::StrCat(p, ":", i));
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Reader& reader : readers) {
    ASSERT_EQ(reader.items.size(), static_cast<size_t>(kTotal));
    std::vector<int> next(kPublishers, 0);
    for (int i = 0; i < kTotal; ++i) {
      // One order for all: publish order, and each publisher's items in its order.
      ASSERT_EQ(Param(reader.items[i], "sequence"), absl::StrCat(i + 1));
      const std::string& payload = reader.items[i].payload();
      const int p = payload[0] - '0';
      ASSERT_EQ(payload, absl::StrCat(p, ":", next[p]++));
    }
  }
}

}  // namespace
}  // namespace sluice::models::testing
