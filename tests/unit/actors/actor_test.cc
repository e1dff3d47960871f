// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of Actor on a real Asio pool: ordering, no lost wake-ups, one thread
// at a time, fairness, and shutdown with messages still queued.

#include "actors/actor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/scheduler.h"

namespace sluice::actors {
namespace {

// std primitives rather than absl's, so ThreadSanitizer (which cannot see
// inside Debian's uninstrumented abseil) understands the synchronisation.
class Notification {
 public:
  void Notify() {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
    cv_.notify_all();
  }
  void WaitForNotification() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return notified_; });
  }
  bool HasBeenNotified() {
    std::lock_guard<std::mutex> lock(mu_);
    return notified_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool notified_ = false;
};

struct Tagged {
  int producer = 0;
  int sequence = 0;
};

// Records per-producer order, detects concurrent turns, and notifies when it
// has seen `expected` messages.
class RecordingActor final : public Actor<Tagged> {
 public:
  RecordingActor(Executor executor, uint32_t per_turn, int producers, int expected)
      : Actor(executor, per_turn), next_(producers, 0), expected_(expected) {}

  Notification all_seen;
  std::atomic<int> concurrent_turn_violations{0};
  std::atomic<int> order_violations{0};

 protected:
  void Receive(Tagged& message) override {
    if (inside_.exchange(true)) concurrent_turn_violations.fetch_add(1);
    if (message.sequence != next_[message.producer]) order_violations.fetch_add(1);
    next_[message.producer] = message.sequence + 1;
    if (++seen_ == expected_) all_seen.Notify();
    inside_.store(false);
  }

 private:
  std::vector<int> next_;
  const int expected_;
  int seen_ = 0;
  std::atomic<bool> inside_{false};
};

TEST(ActorTest, ManyProducersNoLostWakeupsAndFifoPerProducer) {
  AsioScheduler pool(4);
  constexpr int kProducers = 8;
  constexpr int kPerProducer = 20000;
  auto actor =
      std::make_shared<RecordingActor>(pool.executor(), 16, kProducers, kProducers * kPerProducer);
  std::latch start(kProducers);
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      start.arrive_and_wait();  // Maximise contention on the idle->busy edge.
      for (int i = 0; i < kPerProducer; ++i) actor->Send(Tagged{p, i});
    });
  }
  for (auto& t : producers) t.join();
  actor->all_seen.WaitForNotification();  // Would hang on a lost wake-up.
  EXPECT_EQ(actor->order_violations.load(), 0);
  EXPECT_EQ(actor->concurrent_turn_violations.load(), 0);
}

// Records the thread each message ran on and notifies after `expected`.
struct ThreadProbe final : Actor<int> {
  ThreadProbe(Executor executor, Placement placement, int expected = 1)
      : Actor(executor, 8, placement), expected(expected) {}
  void Receive(int&) override {
    ran_on = std::this_thread::get_id();
    if (++seen == expected) done.Notify();
  }
  std::thread::id ran_on;
  int expected;
  int seen = 0;
  Notification done;
};

// A stream actor's stand-in (Placement::kAnyThread): records the thread its
// turn ran on, and wakes `target` from that turn.
struct WakingActor final : Actor<int> {
  explicit WakingActor(Executor executor) : Actor(executor, 8, Placement::kAnyThread) {}
  void Receive(int&) override {
    thread = std::this_thread::get_id();
    target->Send(1);
  }
  std::shared_ptr<ThreadProbe> target;
  std::thread::id thread;
};

TEST(ActorTest, SendInlineRunsAnyThreadActorOnCallingThread) {
  AsioScheduler pool(1);
  auto probe = std::make_shared<ThreadProbe>(pool.executor(), ThreadProbe::Placement::kAnyThread);
  EXPECT_EQ(probe->SendInline(1), PushResult::kOkWokeOwner);
  EXPECT_TRUE(probe->done.HasBeenNotified());  // Ran before SendInline returned.
  EXPECT_EQ(probe->ran_on, std::this_thread::get_id());
}

// SendHere() from a task on the actor's pool runs the woken turn inside the
// task, before it returns, rather than posting it; and that turn is not a
// reaction's, so an actor it wakes that may not run in one runs right after
// it, still inside the task.
TEST(ActorTest, SendHereRunsTheTurnInThePoolTask) {
  AsioScheduler pool(1);
  auto model =
      std::make_shared<ThreadProbe>(pool.executor(), ThreadProbe::Placement::kAnyPoolThread);
  auto stream = std::make_shared<WakingActor>(pool.executor());
  stream->target = model;
  std::thread::id task_thread;
  bool stream_ran_in_task = false;
  bool model_ran_in_task = false;
  Notification task_done;
  boost::asio::post(pool.executor(), [&] {
    task_thread = std::this_thread::get_id();
    EXPECT_EQ(stream->SendHere(1), PushResult::kOkWokeOwner);
    stream_ran_in_task = stream->thread == task_thread;
    model_ran_in_task = model->done.HasBeenNotified();
    task_done.Notify();
  });
  task_done.WaitForNotification();
  EXPECT_TRUE(stream_ran_in_task);
  EXPECT_TRUE(model_ran_in_task);
}

TEST(ActorTest, SendInlineNeverRunsOwnPoolActorOnCallingThread) {
  AsioScheduler pool(1);
  auto probe = std::make_shared<ThreadProbe>(pool.executor(), ThreadProbe::Placement::kOwnPool);
  EXPECT_EQ(probe->SendInline(1), PushResult::kOkWokeOwner);
  probe->done.WaitForNotification();
  EXPECT_NE(probe->ran_on, std::this_thread::get_id());
}

// An actor woken by another actor's turn runs right after that turn on the
// same thread when its placement allows, and on its own pool otherwise.
TEST(ActorTest, WokenActorRunsNextOnSameThreadOnlyWhereAllowed) {
  AsioScheduler pool_a(1);
  AsioScheduler other_pool(1);
  auto any_thread =
      std::make_shared<ThreadProbe>(other_pool.executor(), ThreadProbe::Placement::kAnyThread);
  auto own_pool =
      std::make_shared<ThreadProbe>(other_pool.executor(), ThreadProbe::Placement::kOwnPool);
  struct Waker final : Actor<int> {
    using Actor::Actor;
    void Receive(int&) override {
      thread = std::this_thread::get_id();
      targets[0]->Send(1);
      targets[1]->Send(1);
    }
    std::shared_ptr<ThreadProbe> targets[2];
    std::thread::id thread;
  };
  auto waker = std::make_shared<Waker>(pool_a.executor(), 8);
  waker->targets[0] = any_thread;
  waker->targets[1] = own_pool;
  waker->Send(1);
  any_thread->done.WaitForNotification();
  own_pool->done.WaitForNotification();
  pool_a.Join();
  EXPECT_EQ(any_thread->ran_on, waker->thread);
  EXPECT_NE(own_pool->ran_on, waker->thread);
}

// Each actor yields after `per_turn` messages; with one pool thread, two busy
// actors must alternate instead of one draining its whole mailbox first.
TEST(ActorTest, BusyActorsShareOneThreadFairly) {
  AsioScheduler pool(1);
  struct Log {
    std::mutex mu;
    std::vector<int> order;
  } log;
  struct Logger final : Actor<int> {
    Logger(Executor e, int id, Log* log) : Actor(e, 4), id_(id), log_(log) {}
    void Receive(int&) override {
      std::lock_guard<std::mutex> lock(log_->mu);
      log_->order.push_back(id_);
    }
    int id_;
    Log* log_;
  };
  auto a = std::make_shared<Logger>(pool.executor(), 0, &log);
  auto b = std::make_shared<Logger>(pool.executor(), 1, &log);
  // Hold the only thread so both mailboxes fill before either runs.
  Notification release;
  boost::asio::post(pool.executor(), [&] { release.WaitForNotification(); });
  for (int i = 0; i < 40; ++i) {
    a->Send(int{i});
    b->Send(int{i});
  }
  release.Notify();
  pool.Join();
  ASSERT_EQ(log.order.size(), 80u);
  // In the first 16 messages both actors got turns (each turn is 4 messages).
  int first_b = 0;
  while (log.order[first_b] == 0) ++first_b;
  EXPECT_LE(first_b, 4);
  int switches = 0;
  for (size_t i = 1; i < log.order.size(); ++i) switches += log.order[i] != log.order[i - 1];
  EXPECT_GE(switches, 18);  // 80 messages in turns of 4: ~19 switches.
}

// Model code never runs on a gRPC callback thread: an actor placed on pool
// threads (kAnyPoolThread) that is woken by a turn running
// inline for a reaction is posted to its pool, while one woken by a turn on a
// pool thread runs right after it on that same thread.
TEST(ActorTest, PoolPlacedActorNeverRunsInsideAReaction) {
  AsioScheduler pool(1);
  auto model =
      std::make_shared<ThreadProbe>(pool.executor(), ThreadProbe::Placement::kAnyPoolThread, 2);
  auto stream = std::make_shared<WakingActor>(pool.executor());
  stream->target = model;
  stream->SendInline(1);  // As a reaction does: the stream's turn runs here...
  EXPECT_EQ(stream->thread, std::this_thread::get_id());
  Notification first_ran;
  boost::asio::post(pool.executor(), [&] { first_ran.Notify(); });
  first_ran.WaitForNotification();
  EXPECT_NE(model->ran_on, std::this_thread::get_id());  // ...the model's was posted.

  boost::asio::post(pool.executor(), [stream] { stream->Send(2); });  // From a pool thread.
  model->done.WaitForNotification();
  EXPECT_EQ(model->ran_on, stream->thread);  // Ran next on the same pool thread.
}

// YieldTurn() ends the turn after the current message even though more are
// queued, and the rest runs in a posted turn: two yielding actors on one
// thread alternate message by message.
TEST(ActorTest, YieldTurnGivesTheThreadToOthers) {
  AsioScheduler pool(1);
  struct Log {
    std::mutex mu;
    std::vector<int> order;
  } log;
  struct Yielder final : Actor<int> {
    Yielder(Executor e, int id, Log* log) : Actor(e, 64), id_(id), log_(log) {}
    void Receive(int&) override {
      {
        std::lock_guard<std::mutex> lock(log_->mu);
        log_->order.push_back(id_);
      }
      YieldTurn();
    }
    int id_;
    Log* log_;
  };
  auto a = std::make_shared<Yielder>(pool.executor(), 0, &log);
  auto b = std::make_shared<Yielder>(pool.executor(), 1, &log);
  Notification release;
  boost::asio::post(pool.executor(), [&] { release.WaitForNotification(); });
  for (int i = 0; i < 10; ++i) {
    a->Send(int{i});
    b->Send(int{i});
  }
  release.Notify();
  pool.Join();
  ASSERT_EQ(log.order.size(), 20u);
  for (size_t i = 1; i < log.order.size(); ++i) EXPECT_NE(log.order[i], log.order[i - 1]) << i;
}

// On a pool of several threads, the rest of a yielded turn is deferred (it
// wakes no other thread), and still runs behind the work that was already
// waiting, not ahead of it: here the pool's other thread is held, and a task
// queued before the yield runs between the actor's two messages.
TEST(ActorTest, YieldedTurnWaitsBehindQueuedWorkOnAManyThreadPool) {
  AsioScheduler pool(2);
  std::mutex mu;
  std::vector<std::string> order;
  const auto record = [&](std::string event) {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(std::move(event));
  };
  struct Yielder final : Actor<int> {
    Yielder(Executor e, std::function<void(std::string)> record)
        : Actor(e, 64), record_(std::move(record)) {}
    void Receive(int& message) override {
      record_("actor " + std::to_string(message));
      YieldTurn();
    }
    std::function<void(std::string)> record_;
  };
  auto actor = std::make_shared<Yielder>(pool.executor(), record);
  Notification release_first, release_second, second_held;
  boost::asio::post(pool.executor(), [&] { release_first.WaitForNotification(); });
  boost::asio::post(pool.executor(), [&] {
    second_held.Notify();
    release_second.WaitForNotification();
  });
  second_held.WaitForNotification();  // Both threads are held now.
  actor->Send(1);
  actor->Send(2);
  boost::asio::post(pool.executor(), [&] { record("task"); });
  release_second.Notify();  // One thread: the actor's turn, the task, the turn's rest.
  Notification all_ran;
  boost::asio::post(pool.executor(), [&] { all_ran.Notify(); });
  all_ran.WaitForNotification();
  release_first.Notify();
  pool.Join();
  EXPECT_EQ(order, (std::vector<std::string>{"actor 1", "task", "actor 2"}));
}

// AfterBatch() runs once per batch a turn handles, after its last message:
// a session actor returns a batch's credits in one message from there.
TEST(ActorTest, AfterBatchRunsOncePerBatchOfMessages) {
  AsioScheduler pool(1);
  struct Batcher final : Actor<int> {
    explicit Batcher(Executor e) : Actor(e, /*max_messages_per_turn=*/4) {}
    void Receive(int&) override { ++in_batch; }
    void AfterBatch() override {
      batches.push_back(in_batch);
      in_batch = 0;
    }
    int in_batch = 0;
    std::vector<int> batches;  // Read after the pool is joined.
  };
  auto actor = std::make_shared<Batcher>(pool.executor());
  Notification release;
  boost::asio::post(pool.executor(), [&] { release.WaitForNotification(); });
  for (int i = 0; i < 10; ++i) actor->Send(int{i});
  release.Notify();
  pool.Join();
  EXPECT_EQ(actor->batches, (std::vector<int>{4, 4, 2}));
  EXPECT_EQ(actor->in_batch, 0);
}

// A message is handled where it lies in the mailbox, and destroyed as soon as
// it has been handled, not when its whole batch is: what it holds (a
// request's memory, a reference that keeps an actor alive) goes at once.
TEST(ActorTest, HandledMessageIsDestroyedBeforeTheNextIsHandled) {
  AsioScheduler pool(1);
  struct Holder final : Actor<std::shared_ptr<int>> {
    explicit Holder(Executor e) : Actor(e, 16) {}
    void Receive(std::shared_ptr<int>& message) override {
      if (*message == 2) first_released_before_second = previous.expired();
      previous = message;
    }
    std::weak_ptr<int> previous;
    bool first_released_before_second = false;
  };
  auto actor = std::make_shared<Holder>(pool.executor());
  Notification release;
  boost::asio::post(pool.executor(), [&] { release.WaitForNotification(); });
  actor->Send(std::make_shared<int>(1));
  actor->Send(std::make_shared<int>(2));
  release.Notify();
  pool.Join();
  EXPECT_TRUE(actor->first_released_before_second);
}

TEST(ActorTest, ShutdownWithQueuedMessagesDestroysThemAndTheActor) {
  std::weak_ptr<Actor<std::shared_ptr<int>>> weak;
  auto payload = std::make_shared<int>(7);
  {
    AsioScheduler pool(1);
    struct Sink final : Actor<std::shared_ptr<int>> {
      using Actor::Actor;
      void Receive(std::shared_ptr<int>&) override {}
    };
    auto sink = std::make_shared<Sink>(pool.executor(), 1);
    weak = sink;
    Notification release;
    boost::asio::post(pool.executor(), [&] { release.WaitForNotification(); });
    for (int i = 0; i < 100; ++i) sink->Send(std::shared_ptr<int>(payload));
    sink.reset();
    release.Notify();
    pool.Join();
  }
  EXPECT_TRUE(weak.expired());
  EXPECT_EQ(payload.use_count(), 1);  // No message copy leaked.
}

}  // namespace
}  // namespace sluice::actors
