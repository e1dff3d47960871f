// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/src/model_health.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice {

void ModelHealth::Prepare(actors::ModelRegistry& registry) {
  absl::MutexLock lock(&mu_);
  std::map<std::string, std::shared_ptr<actors::ModelAvailability>> fresh;
  registry.ForEachEntry([&](actors::ModelEntry& entry) {
    if (auto it = served_.find(entry.name); it != served_.end()) {
      entry.availability = it->second;
      return;
    }
    auto& flag = fresh[entry.name];  // One flag for every version of a new name.
    if (flag == nullptr) flag = std::make_shared<actors::ModelAvailability>();
    entry.availability = flag;
  });
}

void ModelHealth::Publish(const actors::ModelRegistry& registry) {
  absl::MutexLock lock(&mu_);
  std::map<std::string, std::shared_ptr<actors::ModelAvailability>> next;
  for (const std::string& name : registry.Names()) {
    const actors::ModelEntry* entry = registry.Find(name, "");
    if (entry != nullptr && entry->availability != nullptr) next[name] = entry->availability;
  }
  for (const auto& [name, flag] : served_) {
    if (!next.contains(name)) ReportLocked(name, false);
  }
  for (const auto& [name, flag] : next) {
    if (!served_.contains(name)) ReportLocked(name, flag->serving());
  }
  served_ = std::move(next);
}

void ModelHealth::AttachHealthService(grpc::HealthCheckServiceInterface* health) {
  absl::MutexLock lock(&mu_);
  health_ = health;
  ReportLocked("", true);
  ReportLocked(v1::Inference::service_full_name(), true);
  for (const auto& [name, flag] : served_) ReportLocked(name, flag->serving());
}

absl::Status ModelHealth::SetServing(const std::string& model, bool serving, std::string reason) {
  absl::MutexLock lock(&mu_);
  auto it = served_.find(model);
  if (it == served_.end()) {
    std::vector<std::string> names;
    for (const auto& [name, flag] : served_) names.push_back(name);
    return absl::NotFoundError(absl::StrCat(
        "model '", model, "' is not served here; served models: ", absl::StrJoin(names, ", ")));
  }
  // The flag first: a client that sees the health status change and opens a
  // stream finds the flag already changed.
  const bool changed = it->second->serving() != serving;
  it->second->Set(serving, std::move(reason));
  // Watchers hear of changes only (the default service would repeat a status).
  if (changed) ReportLocked(model, serving);
  return absl::OkStatus();
}

void ModelHealth::Shutdown() {
  absl::MutexLock lock(&mu_);
  // The default service sets every status NOT_SERVING, tells each watcher,
  // and from then on turns any SetServingStatus() into NOT_SERVING.
  if (health_ != nullptr) health_->Shutdown();
  shut_down_ = true;
}

void ModelHealth::ReportLocked(const std::string& name, bool serving) {
  // After Shutdown() gRPC would turn any update into one more NOT_SERVING.
  if (health_ != nullptr && !shut_down_) health_->SetServingStatus(name, serving);
}

}  // namespace sluice
