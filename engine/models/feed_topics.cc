// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/feed_topics.h"

#include <algorithm>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"

namespace sluice::models::internal {
namespace {

// Topics are never forgotten (their sequence numbers must keep increasing),
// so their number is bounded instead.
constexpr size_t kMaxTopics = 10000;

}  // namespace

Subscription::Subscription(std::string topic, size_t capacity, OverflowPolicy policy,
                           std::shared_ptr<const SessionContext> context, size_t max_bytes)
    : topic_(std::move(topic)),
      policy_(policy),
      context_(std::move(context)),
      max_bytes_(max_bytes) {
  ring_.resize(std::max<size_t>(capacity, 1));
}

bool Subscription::Offer(const FeedItemSharedPtr& item, bool* wake) {
  absl::MutexLock lock(&mu_);
  *wake = false;
  if (!overflow_.ok()) return false;
  const size_t item_bytes = item->payload.size();
  auto full = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return size_ == ring_.size() || (size_ > 0 && bytes_ + item_bytes > max_bytes_);
  };
  if (full()) {
    if (policy_ == OverflowPolicy::kDisconnect) {
      overflow_ = absl::ResourceExhaustedError(absl::StrCat(
          "the subscriber fell ", size_ + 1, " items (", bytes_ + item_bytes,
          " bytes) behind on topic '", topic_, "' (buffer ", ring_.size(), " items or ", max_bytes_,
          " bytes, policy disconnect): item ", item->sequence,
          " found the buffer full; read faster, or subscribe with a larger 'buffer' or with "
          "policy 'drop-oldest'"));
      for (FeedItemSharedPtr& slot : ring_) slot.reset();
      size_ = 0;
      bytes_ = 0;
      *wake = true;
      return false;
    }
    while (full()) {  // Drop the oldest until the new item fits.
      bytes_ -= ring_[head_]->payload.size();
      ring_[head_].reset();
      head_ = (head_ + 1) % ring_.size();
      --size_;
      ++dropped_total_;
    }
  }
  *wake = size_ == 0;
  ring_[(head_ + size_) % ring_.size()] = item;
  ++size_;
  bytes_ += item_bytes;
  return true;
}

Subscription::Taken Subscription::Take(size_t max, std::vector<FeedItemSharedPtr>* out) {
  absl::MutexLock lock(&mu_);
  Taken taken;
  taken.overflow = overflow_;
  taken.dropped_total = dropped_total_;
  for (; max > 0 && size_ > 0; --max, --size_) {
    bytes_ -= ring_[head_]->payload.size();
    out->push_back(std::move(ring_[head_]));
    head_ = (head_ + 1) % ring_.size();
  }
  taken.more = size_ > 0;
  return taken;
}

absl::StatusOr<FeedTopics::Topic*> FeedTopics::FindOrAdd(const std::string& name) {
  auto it = topics_.find(name);
  if (it != topics_.end()) return &it->second;
  if (topics_.size() == kMaxTopics) {
    return absl::ResourceExhaustedError(absl::StrCat("the feed has its maximum of ", kMaxTopics,
                                                     " topics; topic '", name,
                                                     "' would be one more"));
  }
  return &topics_[name];
}

absl::StatusOr<uint64_t> FeedTopics::Subscribe(const SubscriptionSharedPtr& subscription) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Topic*> topic = FindOrAdd(subscription->topic());
  if (!topic.ok()) return topic.status();
  (*topic)->subscribers.push_back(subscription);
  return (*topic)->last_sequence + 1;
}

void FeedTopics::Unsubscribe(const Subscription* subscription) {
  absl::MutexLock lock(&mu_);
  auto it = topics_.find(subscription->topic());
  if (it == topics_.end()) return;
  auto& subscribers = it->second.subscribers;
  // Also sweeps out subscriptions that expired without unsubscribing.
  subscribers.erase(std::remove_if(subscribers.begin(), subscribers.end(),
                                   [subscription](const std::weak_ptr<Subscription>& weak) {
                                     auto strong = weak.lock();
                                     return strong == nullptr || strong.get() == subscription;
                                   }),
                    subscribers.end());
}

absl::StatusOr<FeedTopics::Published> FeedTopics::Publish(const std::string& topic_name,
                                                          std::string payload) {
  // Wake subscribers after unlocking: a woken session's turn may unsubscribe,
  // which takes mu_.
  absl::InlinedVector<SubscriptionSharedPtr, 16> to_wake;
  Published published;
  {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<Topic*> topic = FindOrAdd(topic_name);
    if (!topic.ok()) return topic.status();
    auto item = std::make_shared<FeedItem>();
    item->sequence = ++(*topic)->last_sequence;
    item->payload = std::move(payload);
    published.sequence = item->sequence;
    FeedItemSharedPtr shared_item = std::move(item);
    auto& subscribers = (*topic)->subscribers;
    // Offers in subscription order, and drops the subscriptions that are gone
    // (session ended) or that this item disconnected.
    auto kept = subscribers.begin();
    for (auto& weak : subscribers) {
      SubscriptionSharedPtr subscription = weak.lock();
      if (subscription == nullptr) continue;
      bool wake = false;
      const bool taken = subscription->Offer(shared_item, &wake);
      if (taken) ++published.subscribers;
      if (wake) to_wake.push_back(subscription);
      if (!taken) continue;
      if (&*kept != &weak) *kept = std::move(weak);  // A self-move would empty it.
      ++kept;
    }
    subscribers.erase(kept, subscribers.end());
  }
  for (const SubscriptionSharedPtr& subscription : to_wake) subscription->Wake();
  return published;
}

}  // namespace sluice::models::internal
