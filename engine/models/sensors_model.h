// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `sensors` demo model: IoT ingestion. Each request is one CSV reading;
// the stream's answer is a per-sensor summary (docs/models.md has the formats).

#pragma once

#include <memory>

#include "sluice/model.h"

namespace sluice::models {

/// Aggregates sensor readings per stream: count, min, max and mean of each
/// measured quantity per sensor, in constant memory per sensor.
///
/// Serves Ingest (client streaming: one summary at half-close) and Stream
/// (bidi: an acknowledgement every "ack_every" readings, then the summary).
/// Ownership: shared by the engine's registry and its sessions.
/// Threads: thread-safe (the model has no state; each session has its own).
class SensorsModel final : public Model {
 public:
  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override;
};

}  // namespace sluice::models
