// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// SluicedAdmin: what sluiced's admin service does. Config calls go to the
// ConfigController; Drain wakes main's signal loop, which drains and exits
// exactly as on SIGTERM.

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "engine/exe/config_controller.h"
#include "sluice/admin/v1/admin.pb.h"
#include "sluice/engine.h"
#include "transports/grpc/admin_service.h"

namespace sluice::server {

/// Carries a drain request to sluiced's main thread, which waits for signals
/// in sigwait: Request() records the deadline asked for and sends the process
/// SIGTERM, so the drain that follows is the SIGTERM drain, step for step.
///
/// Ownership: owned by main; outlives the admin server.
/// Threads: thread-safe.
class DrainTrigger {
 public:
  /// `drain`: the deadline to drain with; nullopt: the configured one.
  void Request(std::optional<std::chrono::milliseconds> drain);

  /// The deadline the last Request() asked for, if it asked for one.
  std::optional<std::chrono::milliseconds> requested_drain() const;

 private:
  // Milliseconds; -1: none asked for. Atomic: written on the admin worker,
  // read on the main thread once sigwait returns.
  std::atomic<int64_t> drain_ms_{-1};
};

/// The admin backend of sluiced.
///
/// Ownership: owned by main; `config`, `engine` and `drain` outlive it.
/// Threads: called on the admin server's worker thread, one call at a time.
class SluicedAdmin final : public transport::AdminBackend {
 public:
  SluicedAdmin(ConfigController& config, const Engine& engine, DrainTrigger& drain)
      : config_(config), engine_(engine), drain_(drain) {}

  absl::StatusOr<admin::v1::ConfigReply> GetConfig() override { return config_.GetConfig(); }
  absl::StatusOr<admin::v1::ConfigReply> UpdateConfig(
      const admin::v1::UpdateConfigRequest& request) override {
    return config_.UpdateConfig(request);
  }
  absl::StatusOr<admin::v1::ConfigReply> ReloadConfig() override { return config_.Reload(); }
  /// INVALID_ARGUMENT for a deadline outside 0 to 3600 s (drain_seconds'
  /// range); otherwise counts the open
  /// streams, triggers the drain and answers (main waits for the answer to
  /// go out: stopping the admin server finishes the calls in progress).
  absl::StatusOr<admin::v1::DrainReply> Drain(const admin::v1::DrainRequest& request) override;

 private:
  ConfigController& config_;
  const Engine& engine_;
  DrainTrigger& drain_;
};

}  // namespace sluice::server
