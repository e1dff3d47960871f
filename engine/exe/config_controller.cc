// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/exe/config_controller.h"

#include <google/protobuf/util/field_mask_util.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/config/config.h"
#include "engine/exe/log.h"
#include "engine/models/demo_models.h"

namespace sluice::server {
namespace {

using config::FieldError;
using config::v1::SluiceConfig;
using google::protobuf::util::FieldMaskUtil;

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000.0)));
}

LogLevel ToLogLevel(config::v1::LogLevel level) {
  switch (level) {
    case config::v1::LOG_LEVEL_DEBUG:
      return LogLevel::kDebug;
    case config::v1::LOG_LEVEL_WARNING:
      return LogLevel::kWarning;
    case config::v1::LOG_LEVEL_ERROR:
      return LogLevel::kError;
    default:
      return LogLevel::kInfo;
  }
}

// The models of `config`, built; every model that cannot be built is an
// error on its path instead.
std::vector<ModelSpec> BuildModelsInto(const SluiceConfig& config,
                                       std::vector<FieldError>* errors) {
  std::vector<ModelSpec> specs;
  for (int i = 0; i < config.models_size(); ++i) {
    const auto& model = config.models(i);
    const std::map<std::string, std::string> parameters(model.parameters().begin(),
                                                        model.parameters().end());
    absl::StatusOr<ModelSpec> spec = models::MakeDemoModel(model.kind(), parameters);
    if (!spec.ok()) {
      errors->push_back(FieldError{.path = absl::StrCat("models[", i, "]"),
                                   .value = model.name(),
                                   .reason = std::string(spec.status().message())});
      continue;
    }
    spec->name = model.name();
    spec->version = model.version();
    spec->max_credits_per_stream = model.credits_per_stream();
    spec->worker_threads = model.worker_threads();
    spec->max_streams = model.max_streams();
    spec->max_requests_in_flight = model.max_requests_in_flight();
    spec->timeout = Millis(model.timeout_seconds());
    // EXECUTION_DEFAULT keeps the kind's own choice.
    if (model.execution() == config::v1::EXECUTION_INLINE) spec->execution = Execution::kInline;
    if (model.execution() == config::v1::EXECUTION_MODEL_POOL) {
      spec->execution = Execution::kModelPool;
    }
    specs.push_back(*std::move(spec));
  }
  return specs;
}

absl::Status Invalid(const char* what, const std::vector<FieldError>& errors) {
  return absl::InvalidArgumentError(absl::StrCat(what, " (", errors.size(),
                                                 errors.size() == 1 ? " error" : " errors", "):\n",
                                                 config::FormatErrors(errors)));
}

}  // namespace

absl::StatusOr<SluiceConfig> LoadConfig(const ConfigSources& sources) {
  ConfigSources request = sources;
  request.known_model_kinds = models::DemoModelKinds();
  absl::StatusOr<SluiceConfig> config = config::Load(request);
  if (!config.ok()) return config.status();
  if (absl::StatusOr<std::vector<ModelSpec>> models = BuildModels(*config); !models.ok()) {
    return models.status();
  }
  return config;
}

EngineOptions ToEngineOptions(const SluiceConfig& config) {
  EngineOptions options;
  options.listen_address = config.listeners().grpc_address();
  options.enable_reflection = config.listeners().reflection();
  options.enable_metrics = config.metrics().enabled();
  options.metrics_address = config.listeners().metrics_address();
  options.stream_threads = config.threads().stream_threads();
  options.model_threads = config.threads().model_threads();
  options.batch_scheduling = config.threads().batch_scheduling();
  const auto& streams = config.streams();
  options.credits_per_stream = streams.credits_per_stream();
  options.credit_bytes_per_stream = streams.credit_bytes_per_stream();
  options.outbound_window = streams.outbound_window();
  options.max_messages_per_turn = streams.max_messages_per_turn();
  options.max_payload_bytes = streams.max_payload_bytes();
  options.max_message_bytes = streams.max_message_bytes();
  options.run_stream_actors_inline = streams.inline_actors();
  options.max_concurrent_streams = config.limits().max_concurrent_streams();
  options.default_deadline = Millis(config.deadlines().default_seconds());
  options.max_deadline = Millis(config.deadlines().max_seconds());
  const auto& limits = config.limits();
  options.admission = AdmissionOptions{
      .max_requests_in_flight = limits.max_requests_in_flight(),
      .tenant_metadata_key = limits.tenant_metadata_key(),
      .max_streams_per_tenant = limits.max_streams_per_tenant(),
      .max_requests_in_flight_per_tenant = limits.max_requests_in_flight_per_tenant(),
      .retry_pushback = Millis(limits.retry_pushback_seconds()),
  };
  const auto& resume = config.resume();
  options.resume = ResumeOptions{
      .grace = Millis(resume.grace_seconds()),
      .replay_messages = resume.replay_messages(),
      .replay_bytes = resume.replay_bytes(),
      .replay_age = Millis(resume.replay_age_seconds()),
  };
  const auto& keepalive = config.keepalive();
  options.connection = ConnectionOptions{
      .keepalive_time = Millis(keepalive.time_seconds()),
      .keepalive_timeout = Millis(keepalive.timeout_seconds()),
      .min_ping_interval = Millis(keepalive.min_ping_interval_seconds()),
      .permit_keepalive_without_calls = keepalive.permit_without_calls(),
      .max_ping_strikes = static_cast<int>(keepalive.max_ping_strikes()),
      .max_connection_idle = Millis(keepalive.max_connection_idle_seconds()),
      .max_connection_age = Millis(keepalive.max_connection_age_seconds()),
      .max_connection_age_grace = Millis(keepalive.max_connection_age_grace_seconds()),
      .max_concurrent_streams_per_connection = keepalive.max_concurrent_streams_per_connection(),
  };
  return options;
}

absl::StatusOr<std::vector<ModelSpec>> BuildModels(const SluiceConfig& config) {
  std::vector<FieldError> errors;
  std::vector<ModelSpec> specs = BuildModelsInto(config, &errors);
  if (!errors.empty()) return Invalid("invalid models", errors);
  return specs;
}

ConfigController::ConfigController(ConfigSources sources, SluiceConfig running, Engine& engine)
    : sources_(std::move(sources)), engine_(engine), running_(std::move(running)) {
  SetLogLevel(ToLogLevel(running_.log_level()));
}

SluiceConfig ConfigController::running() const {
  absl::MutexLock lock(&mu_);
  return running_;
}

admin::v1::ConfigReply ConfigController::Reply(const SluiceConfig& config) const {
  admin::v1::ConfigReply reply;
  *reply.mutable_config() = config;
  reply.set_yaml(config::ToYaml(config));
  return reply;
}

absl::StatusOr<admin::v1::ConfigReply> ConfigController::GetConfig() {
  absl::MutexLock lock(&mu_);
  return Reply(running_);
}

absl::StatusOr<admin::v1::ConfigReply> ConfigController::Reload() {
  absl::MutexLock lock(&mu_);
  // Apply() builds the models (once); here only the sources and the schema.
  ConfigSources request = sources_;
  request.known_model_kinds = models::DemoModelKinds();
  absl::StatusOr<SluiceConfig> next = config::Load(request);
  if (!next.ok()) {
    engine_.CountConfigReload(false);
    Log(LogLevel::kWarning,
        absl::StrCat("config reload rejected, the running config is unchanged: ",
                     next.status().message()));
    return next.status();
  }
  return Apply(*std::move(next), "reload");
}

absl::StatusOr<admin::v1::ConfigReply> ConfigController::UpdateConfig(
    const admin::v1::UpdateConfigRequest& request) {
  absl::MutexLock lock(&mu_);
  if (request.update_mask().paths().empty()) {
    engine_.CountConfigReload(false);
    return absl::InvalidArgumentError(
        "update_mask names no field; name the fields to change, e.g. streams.credits_per_stream");
  }
  std::vector<std::string> unknown;
  for (const std::string& path : request.update_mask().paths()) {
    google::protobuf::FieldMask one;
    one.add_paths(path);
    if (!FieldMaskUtil::IsValidFieldMask<SluiceConfig>(one)) unknown.push_back(path);
  }
  if (!unknown.empty()) {
    engine_.CountConfigReload(false);
    return absl::InvalidArgumentError(absl::StrCat(
        "update_mask names fields the config does not have: ", absl::StrJoin(unknown, ", ")));
  }
  SluiceConfig next = running_;
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(request.config(), request.update_mask(), options, &next);
  return Apply(std::move(next), "admin UpdateConfig");
}

absl::StatusOr<admin::v1::ConfigReply> ConfigController::Apply(SluiceConfig next,
                                                               const char* cause) {
  std::vector<FieldError> errors = config::Validate(next, models::DemoModelKinds());
  // Built once, here: they validate the models and, if the list changed, are
  // what the engine serves.
  std::vector<ModelSpec> models;
  if (errors.empty()) models = BuildModelsInto(next, &errors);
  if (!errors.empty()) {
    engine_.CountConfigReload(false);
    const absl::Status status = Invalid("invalid configuration", errors);
    Log(LogLevel::kWarning,
        absl::StrCat("config ", cause,
                     " rejected, the running config is unchanged: ", status.message()));
    return status;
  }
  const config::ConfigChange change = config::Diff(running_, next);
  // Restart-only fields keep the values the server runs with.
  if (!change.restart.empty()) {
    google::protobuf::FieldMask keep;
    for (const std::string& path : change.restart) keep.add_paths(path);
    FieldMaskUtil::MergeOptions options;
    options.set_replace_repeated_fields(true);
    FieldMaskUtil::MergeMessageTo(running_, keep, options, &next);
  }
  if (absl::Status status = engine_.UpdateOptions(ToEngineOptions(next)); !status.ok()) {
    engine_.CountConfigReload(false);
    Log(LogLevel::kWarning,
        absl::StrCat("config ", cause,
                     " rejected, the running config is unchanged: ", status.message()));
    return status;
  }
  // Models are replaced only when the list changed (Diff names it "models").
  if (std::find(change.live.begin(), change.live.end(), "models") != change.live.end()) {
    if (absl::Status status = engine_.ReplaceModels(std::move(models)); !status.ok()) {
      // The options above are in force; put them back as they were.
      (void)engine_.UpdateOptions(ToEngineOptions(running_));
      engine_.CountConfigReload(false);
      return status;
    }
  }
  SetLogLevel(ToLogLevel(next.log_level()));
  running_ = std::move(next);
  engine_.CountConfigReload(true);
  Log(LogLevel::kInfo,
      absl::StrCat("config ", cause, " applied; changed: ",
                   change.live.empty() ? "nothing" : absl::StrJoin(change.live, ", "),
                   change.restart.empty() ? ""
                                          : absl::StrCat("; needs a restart, not applied: ",
                                                         absl::StrJoin(change.restart, ", "))));
  admin::v1::ConfigReply reply = Reply(running_);
  for (const std::string& path : change.live) reply.add_applied(path);
  for (const std::string& path : change.restart) reply.add_needs_restart(path);
  return reply;
}

}  // namespace sluice::server
