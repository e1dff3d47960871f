// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/feed_model.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/models/feed_topics.h"
#include "engine/models/parameters.h"

namespace sluice::models {
namespace {

using internal::FeedItemSharedPtr;
using internal::OverflowPolicy;

constexpr size_t kMaxTopicBytes = 128;
constexpr uint64_t kDefaultBuffer = 256;
constexpr uint64_t kMaxBuffer = 65536;

// One stream of the feed, in one role at a time: a subscription, or
// publishing. Owned by the engine, called one call at a time (ModelSession);
// publishers on other threads reach only its Subscription, never the session.
class FeedSession final : public ModelSession {
 public:
  FeedSession(std::shared_ptr<internal::FeedTopics> topics,
              std::shared_ptr<const SessionContext> context)
      : topics_(std::move(topics)), context_(std::move(context)) {}

  // Unsubscribes, so the registry never offers items to a session that is gone.
  ~FeedSession() override { EndSubscription(); }

  Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
    const RpcKind kind = context_->rpc_kind();
    const bool publishes_only = kind == RpcKind::kUnary || kind == RpcKind::kClientStreaming;
    const std::string* op = internal::FindParameter(request, "op");
    const std::string want = op != nullptr ? *op : publishes_only ? "publish" : "subscribe";
    if (want == "publish" && kind != RpcKind::kServerStreaming) return Publish(request, sink);
    if (want == "subscribe" && !publishes_only) return Subscribe(request, sink);
    return Reject(sink,
                  absl::InvalidArgumentError(absl::StrCat(
                      "parameter 'op' is 'subscribe' (on Generate or Stream) or 'publish' (on "
                      "Infer, Ingest or Stream); got ",
                      internal::Quoted(want), " on ", internal::MethodName(kind))));
  }

  Step OnResume(ResponseSink& sink) override {
    if (subscription_ == nullptr) return Step::Done();
    size_t max = sink.room();
    if (max_items_ != 0) {
      max = static_cast<size_t>(std::min<uint64_t>(max, max_items_ - delivered_));
    }
    batch_.clear();
    const internal::Subscription::Taken taken = subscription_->Take(max, &batch_);
    if (!taken.overflow.ok()) {
      EndSubscription();
      return Step::Fail(taken.overflow);
    }
    for (const FeedItemSharedPtr& item : batch_) {
      v1::InferResponse response;
      response.set_payload(item->payload);
      auto& parameters = *response.mutable_parameters();
      parameters["event"] = "item";
      parameters["topic"] = subscription_->topic();
      parameters["sequence"] = absl::StrCat(item->sequence);
      parameters["dropped_total"] = absl::StrCat(taken.dropped_total);
      (void)sink.Emit(std::move(response));  // At most room() items were taken.
    }
    delivered_ += batch_.size();
    batch_.clear();  // Release the items now, not at the next delivery.
    if (max_items_ != 0 && delivered_ == max_items_) {
      EndSubscription();
      return Step::Done();
    }
    // Wait: a Notify() that came before it counts, so no item is missed; one
    // that found the buffer already drained just brings us back here.
    return taken.more ? Step::Resume() : Step::Wait();
  }

  Step OnHalfClose(ResponseSink& sink) override {
    if (context_->rpc_kind() != RpcKind::kClientStreaming) return Step::Done();
    v1::InferResponse confirmation;
    auto& parameters = *confirmation.mutable_parameters();
    parameters["event"] = "published";
    parameters["count"] = absl::StrCat(published_);
    parameters["deliveries"] = absl::StrCat(deliveries_);
    if (published_ > 0) {
      parameters["topic"] = last_topic_;
      parameters["sequence"] = absl::StrCat(last_sequence_);
    }
    (void)sink.Emit(std::move(confirmation));  // The call's only response: room >= 1.
    return Step::Done();
  }

  void OnCancel() override { EndSubscription(); }

 private:
  Step Reject(ResponseSink& sink, const absl::Status& status) {
    return internal::RejectRequest(*context_, sink, status);
  }

  // The request's topic; on Ingest a request may leave it out to repeat the
  // previous one.
  absl::StatusOr<std::string> Topic(const v1::InferRequest& request) const {
    const std::string* topic = internal::FindParameter(request, "topic");
    if (topic == nullptr && context_->rpc_kind() == RpcKind::kClientStreaming &&
        !last_topic_.empty()) {
      return last_topic_;
    }
    if (topic == nullptr || !internal::IsSimpleName(*topic, kMaxTopicBytes)) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter 'topic' must be 1 to ", kMaxTopicBytes,
                       " characters of [A-Za-z0-9._:/-], got ",
                       topic == nullptr ? "none" : internal::Quoted(*topic)));
    }
    return *topic;
  }

  Step Publish(const v1::InferRequest& request, ResponseSink& sink) {
    absl::StatusOr<std::string> topic = Topic(request);
    if (!topic.ok()) return Reject(sink, topic.status());
    absl::StatusOr<internal::FeedTopics::Published> published =
        topics_->Publish(*topic, request.payload());
    if (!published.ok()) return Reject(sink, published.status());
    if (context_->rpc_kind() == RpcKind::kClientStreaming) {
      ++published_;
      deliveries_ += published->subscribers;
      last_topic_ = *std::move(topic);
      last_sequence_ = published->sequence;
      return Step::Done();  // Ingest answers once, at half-close.
    }
    v1::InferResponse confirmation;
    auto& parameters = *confirmation.mutable_parameters();
    parameters["event"] = "published";
    parameters["topic"] = *topic;
    parameters["sequence"] = absl::StrCat(published->sequence);
    parameters["subscribers"] = absl::StrCat(published->subscribers);
    (void)sink.Emit(std::move(confirmation));  // The call's only response: room >= 1.
    return Step::Done();
  }

  Step Subscribe(const v1::InferRequest& request, ResponseSink& sink) {
    absl::StatusOr<std::string> topic = Topic(request);
    if (!topic.ok()) return Reject(sink, topic.status());
    absl::StatusOr<uint64_t> buffer =
        internal::UintParameter(request, "buffer", kDefaultBuffer, 1, kMaxBuffer);
    if (!buffer.ok()) return Reject(sink, buffer.status());
    absl::StatusOr<uint64_t> max_items =
        internal::UintParameter(request, "max_items", 0, 0, UINT64_MAX);
    if (!max_items.ok()) return Reject(sink, max_items.status());
    const std::string* policy_text = internal::FindParameter(request, "policy");
    const std::string policy = policy_text == nullptr ? "drop-oldest" : *policy_text;
    if (policy != "drop-oldest" && policy != "disconnect") {
      return Reject(sink, absl::InvalidArgumentError(absl::StrCat(
                              "parameter 'policy' must be 'drop-oldest' or 'disconnect', got ",
                              internal::Quoted(policy))));
    }
    subscription_ = std::make_shared<internal::Subscription>(
        *topic, static_cast<size_t>(*buffer),
        policy == "disconnect" ? OverflowPolicy::kDisconnect : OverflowPolicy::kDropOldest,
        context_);
    absl::StatusOr<uint64_t> next_sequence = topics_->Subscribe(subscription_);
    if (!next_sequence.ok()) {
      subscription_.reset();
      return Reject(sink, next_sequence.status());
    }
    max_items_ = *max_items;
    delivered_ = 0;
    // Tells the client it is live: every item from next_sequence on is its.
    v1::InferResponse notice;
    auto& parameters = *notice.mutable_parameters();
    parameters["event"] = "subscribed";
    parameters["topic"] = *topic;
    parameters["next_sequence"] = absl::StrCat(*next_sequence);
    parameters["buffer"] = absl::StrCat(*buffer);
    parameters["policy"] = policy;
    (void)sink.Emit(std::move(notice));  // The call's first response: room >= 1.
    return Step::Wait();
  }

  void EndSubscription() {
    if (subscription_ == nullptr) return;
    topics_->Unsubscribe(subscription_.get());
    subscription_.reset();
  }

  const std::shared_ptr<internal::FeedTopics> topics_;
  const std::shared_ptr<const SessionContext> context_;
  // Subscriber state.
  internal::SubscriptionSharedPtr subscription_;
  uint64_t max_items_ = 0;  // 0: until the stream ends.
  uint64_t delivered_ = 0;
  std::vector<FeedItemSharedPtr> batch_;  // Reused by every delivery.
  // Publisher state (Ingest).
  uint64_t published_ = 0;
  uint64_t deliveries_ = 0;
  std::string last_topic_;
  uint64_t last_sequence_ = 0;
};

}  // namespace

FeedModel::FeedModel() : topics_(std::make_shared<internal::FeedTopics>()) {}

absl::StatusOr<std::unique_ptr<ModelSession>> FeedModel::NewSession(
    const std::shared_ptr<const SessionContext>& context) {
  return std::make_unique<FeedSession>(topics_, context);
}

}  // namespace sluice::models
