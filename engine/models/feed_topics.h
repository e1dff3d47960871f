// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The state behind the `feed` model: a registry of topics, shared by every
// stream of the model, and each subscriber's bounded buffer. Publishers never
// wait for a subscriber; a full buffer drops its oldest item or disconnects.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "sluice/model.h"

namespace sluice::models::internal {

/// One published item, shared by every subscriber buffer it reached.
struct FeedItem {
  uint64_t sequence = 0;  // Per topic, from 1, in publish order.
  std::string payload;
};
using FeedItemSharedPtr = std::shared_ptr<const FeedItem>;

/// What a subscription does when an item arrives and its buffer is full.
enum class OverflowPolicy { kDropOldest, kDisconnect };

/// One subscriber's bounded buffer of items not yet delivered.
///
/// Ownership: the subscriber's session holds the only strong reference; the
/// registry holds a weak one, so a session that ends leaves nothing behind.
/// Threads: thread-safe. Offer() runs on publishers' threads (under the
/// registry's lock), Take() on the subscriber's.
class Subscription {
 public:
  /// Holds at most `capacity` items and, whatever their count, at most
  /// `max_bytes` of payload (one item larger than that still fits alone), so
  /// a stalled subscriber's memory is bounded however large items are.
  Subscription(std::string topic, size_t capacity, OverflowPolicy policy,
               std::shared_ptr<const SessionContext> context,
               size_t max_bytes = kDefaultMaxBufferedBytes);

  static constexpr size_t kDefaultMaxBufferedBytes = 64u << 20;

  /// Thread-safe. Buffers `item`. False when the item was not taken because
  /// the subscription is disconnected (this call may be what disconnected it).
  /// Sets `*wake` when the subscriber must be notified: its buffer was empty,
  /// or it just disconnected (a non-empty buffer has a wake-up pending).
  bool Offer(const FeedItemSharedPtr& item, bool* wake) ABSL_LOCKS_EXCLUDED(mu_);

  /// What Take() found.
  struct Taken {
    uint64_t dropped_total = 0;  // Items this subscription ever dropped.
    bool more = false;           // Items remain after the ones taken.
    absl::Status overflow;       // RESOURCE_EXHAUSTED once disconnected.
  };
  /// Thread-safe. Moves up to `max` of the oldest buffered items to `out`.
  Taken Take(size_t max, std::vector<FeedItemSharedPtr>* out) ABSL_LOCKS_EXCLUDED(mu_);

  /// Thread-safe. Wakes the subscriber's session (SessionContext::Notify).
  void Wake() const { context_->Notify(); }

  const std::string& topic() const { return topic_; }

 private:
  const std::string topic_;
  const OverflowPolicy policy_;
  const std::shared_ptr<const SessionContext> context_;
  absl::Mutex mu_;
  // A ring of fixed capacity: buffering an item allocates nothing.
  std::vector<FeedItemSharedPtr> ring_ ABSL_GUARDED_BY(mu_);
  size_t head_ ABSL_GUARDED_BY(mu_) = 0;
  size_t size_ ABSL_GUARDED_BY(mu_) = 0;
  const size_t max_bytes_;
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;  // Payload bytes buffered.
  uint64_t dropped_total_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status overflow_ ABSL_GUARDED_BY(mu_);
};
using SubscriptionSharedPtr = std::shared_ptr<Subscription>;

/// The topics of one `feed` model: per-topic sequence numbers and the live
/// subscriptions each item is offered to.
///
/// Ownership: the FeedModel, shared with its sessions (a session may outlive
/// the model's registration). Threads: thread-safe.
class FeedTopics {
 public:
  /// Registers `subscription` on its topic. Returns the sequence the topic's
  /// next item will have; RESOURCE_EXHAUSTED when the topic would be one too
  /// many.
  absl::StatusOr<uint64_t> Subscribe(const SubscriptionSharedPtr& subscription)
      ABSL_LOCKS_EXCLUDED(mu_);
  /// Removes `subscription` (a no-op when it is not registered).
  void Unsubscribe(const Subscription* subscription) ABSL_LOCKS_EXCLUDED(mu_);

  struct Published {
    uint64_t sequence = 0;
    uint32_t subscribers = 0;  // Buffers the item reached.
  };
  /// Gives `payload` the topic's next sequence and offers it to every
  /// subscription of the topic, in that order for every publisher.
  absl::StatusOr<Published> Publish(const std::string& topic, std::string payload)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Topic {
    uint64_t last_sequence = 0;
    std::vector<std::weak_ptr<Subscription>> subscribers;
  };
  // The topic for `name`, created if there is room for one more.
  absl::StatusOr<Topic*> FindOrAdd(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Topic> topics_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::models::internal
