// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The public Engine handle: validates options and forwards to EngineImpl.

#include "sluice/engine.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/src/engine_impl.h"

namespace sluice {
namespace {

// Every problem at once, each naming its field, so one edit fixes them all.
absl::Status Validate(const EngineOptions& options) {
  std::vector<std::string> errors;
  if (options.listen_address.empty()) errors.push_back("listen_address: must not be empty");
  if (options.max_messages_per_turn == 0) {
    errors.push_back("max_messages_per_turn: must be at least 1, got 0");
  }
  if (options.credits_per_stream == 0) {
    errors.push_back("credits_per_stream: must be at least 1, got 0");
  }
  if (options.outbound_window == 0) errors.push_back("outbound_window: must be at least 1, got 0");
  if (options.max_payload_bytes == 0) errors.push_back("max_payload_bytes: must be at least 1");
  if (options.max_message_bytes != 0 && options.max_message_bytes < options.max_payload_bytes) {
    errors.push_back(absl::StrCat("max_message_bytes: ", options.max_message_bytes,
                                  " is smaller than max_payload_bytes (", options.max_payload_bytes,
                                  ")"));
  }
  if (options.default_deadline.count() < 0) errors.push_back("default_deadline: must be >= 0");
  if (options.max_deadline.count() < 0) errors.push_back("max_deadline: must be >= 0");
  if (options.default_deadline.count() > 0 && options.max_deadline.count() > 0 &&
      options.default_deadline > options.max_deadline) {
    errors.push_back(absl::StrCat("default_deadline: ", options.default_deadline.count(),
                                  " ms is longer than max_deadline (", options.max_deadline.count(),
                                  " ms)"));
  }
  if (options.resume.grace.count() < 0) errors.push_back("resume.grace: must be >= 0");
  if (options.resume.replay_age.count() < 0) errors.push_back("resume.replay_age: must be >= 0");
  if (options.admission.retry_pushback.count() < 0) {
    errors.push_back("admission.retry_pushback: must be >= 0");
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid engine options: ", absl::StrJoin(errors, "; ")));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(EngineOptions options) {
  if (absl::Status status = Validate(options); !status.ok()) return status;
  return std::unique_ptr<Engine>(new Engine(std::make_unique<EngineImpl>(std::move(options))));
}

Engine::Engine(std::unique_ptr<EngineImpl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

absl::Status Engine::RegisterModel(ModelSpec spec) { return impl_->RegisterModel(std::move(spec)); }
absl::Status Engine::Start() { return impl_->Start(); }
absl::Status Engine::ReplaceModels(std::vector<ModelSpec> models) {
  return impl_->ReplaceModels(std::move(models));
}
absl::Status Engine::SetModelServing(const std::string& model, bool serving, std::string reason) {
  return impl_->SetModelServing(model, serving, std::move(reason));
}
absl::Status Engine::UpdateOptions(const EngineOptions& options) {
  if (absl::Status status = Validate(options); !status.ok()) return status;
  return impl_->UpdateOptions(options);
}
void Engine::CountConfigReload(bool success) { impl_->CountConfigReload(success); }
EngineOptions Engine::options() const { return impl_->options(); }
int Engine::port() const { return impl_->port(); }
int Engine::metrics_port() const { return impl_->metrics_port(); }
std::shared_ptr<prometheus::Registry> Engine::metrics_registry() const {
  return impl_->metrics_registry();
}
std::vector<std::shared_ptr<prometheus::Collectable>> Engine::metrics_collectables() const {
  return impl_->metrics_collectables();
}
void Engine::Shutdown(std::chrono::milliseconds drain) { impl_->Shutdown(drain); }
EngineStats Engine::Stats() const { return impl_->Stats(); }

}  // namespace sluice
