// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `feed` demo model: topic publish/subscribe across streams, for live
// feeds and notifications. Subscribers stream; publishers call or stream.

#pragma once

#include <memory>

#include "sluice/model.h"

namespace sluice::models {

namespace internal {
class FeedTopics;
}  // namespace internal

/// Topics shared by every stream of this model. A subscriber (Generate, or
/// Stream with op=subscribe) receives every item published to its topic after
/// it subscribed, in publish order, through a bounded buffer of its own; a
/// publisher (Infer, Ingest, or Stream with op=publish) never waits for a
/// subscriber. A full buffer drops its oldest item (reported to the
/// subscriber) or disconnects it, as the subscriber chose.
///
/// Ownership: shared by the engine's registry and its sessions; the topics
/// live as long as the model or any of its sessions.
/// Threads: thread-safe.
class FeedModel final : public Model {
 public:
  FeedModel();

  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override;

 private:
  const std::shared_ptr<internal::FeedTopics> topics_;
};

}  // namespace sluice::models
