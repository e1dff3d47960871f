// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ConfigController: sluiced's running configuration. It loads the config from
// its sources, turns it into engine options and models, and applies a new
// one live (SIGHUP, the admin service) when, and only when, it is valid.

#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/config/load.h"
#include "sluice/admin/v1/admin.pb.h"
#include "sluice/config/v1/config.pb.h"
#include "sluice/engine.h"

namespace sluice::server {

/// Where the configuration came from (file, environment at start, flags),
/// kept to read it again on reload.
using ConfigSources = config::LoadRequest;

/// Loads defaults < file < environment < overrides and validates the result,
/// models included (each must build). INVALID_ARGUMENT lists every problem.
absl::StatusOr<config::v1::SluiceConfig> LoadConfig(const ConfigSources& sources);

/// The engine options a config asks for.
EngineOptions ToEngineOptions(const config::v1::SluiceConfig& config);

/// The models a config asks for, built from the demo model kinds.
/// INVALID_ARGUMENT names each model that cannot be built.
absl::StatusOr<std::vector<ModelSpec>> BuildModels(const config::v1::SluiceConfig& config);

/// The configuration of a running sluiced.
///
/// Ownership: owned by sluiced's main; the engine must outlive it.
/// Threads: every method is thread-safe; applies are serialized.
class ConfigController final {
 public:
  ConfigController(ConfigSources sources, config::v1::SluiceConfig running, Engine& engine);

  config::v1::SluiceConfig running() const ABSL_LOCKS_EXCLUDED(mu_);

  /// Re-reads the sources (SIGHUP) and applies the result. Logs and counts
  /// the outcome either way.
  absl::StatusOr<admin::v1::ConfigReply> Reload() ABSL_LOCKS_EXCLUDED(mu_);

  // The admin service's config calls (SluicedAdmin forwards them).
  absl::StatusOr<admin::v1::ConfigReply> GetConfig() ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<admin::v1::ConfigReply> UpdateConfig(const admin::v1::UpdateConfigRequest& request)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Validates `next` and applies its live changes; restart-only changes are
  // reported and left as they run. On error nothing changes.
  absl::StatusOr<admin::v1::ConfigReply> Apply(config::v1::SluiceConfig next, const char* cause)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  admin::v1::ConfigReply Reply(const config::v1::SluiceConfig& config) const;

  const ConfigSources sources_;
  Engine& engine_;
  mutable absl::Mutex mu_;
  config::v1::SluiceConfig running_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::server
