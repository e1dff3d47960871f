// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `predict` demo model: a single prediction from a feature map, standing
// in for a real classifier (yield prediction, a binning decision).

#pragma once

#include <chrono>
#include <memory>

#include "sluice/model.h"

namespace sluice::models {

/// Scores the request's parameters as named decimal features with a logistic
/// function whose weights come from a hash of each feature's name, so the same
/// features always give the same score, on any server (docs/models.md).
///
/// Serves Infer (one prediction), Generate (one prediction as a stream) and
/// Stream (batch prediction: one answer per request, in order).
/// `compute` stands in for the time a real model computes: each prediction
/// holds its thread that long (waiting, as on an accelerator), so a pool of
/// worker threads has a real capacity, for load and overload benchmarks.
///
/// Ownership: shared by the engine's registry and its sessions.
/// Threads: thread-safe (the model has no state; each session has its own).
class PredictModel final : public Model {
 public:
  explicit PredictModel(std::chrono::microseconds compute = std::chrono::microseconds(0))
      : compute_(compute) {}

  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override;

 private:
  const std::chrono::microseconds compute_;
};

}  // namespace sluice::models
