// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `echo` demo model: answers each request with its own payload and
// parameters. The benchmark's workload, and the simplest model to test with.

#pragma once

#include <memory>

#include "sluice/model.h"

namespace sluice::models {

/// Stateless echo. Thread-safe (it has no state).
class EchoModel final : public Model {
 public:
  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override;
};

}  // namespace sluice::models
