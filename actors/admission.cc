// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/admission.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sluice::actors {
namespace {

// The status payload that carries a retry pushback to the transport.
constexpr char kRetryPushbackPayload[] = "type.sluice.dev/retry-pushback-ms";

// Tenants are pruned when their table has grown by this much since the
// last pruning, so a churn of tenant ids cannot grow it without bound.
constexpr size_t kPruneEvery = 1024;

}  // namespace

std::shared_ptr<LoadCounter> Admission::Tenant(const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  std::weak_ptr<LoadCounter>& slot = tenants_[tenant];
  std::shared_ptr<LoadCounter> counter = slot.lock();
  if (counter == nullptr) {
    counter = std::make_shared<LoadCounter>();
    slot = counter;
    if (tenants_.size() % kPruneEvery == 0) {
      std::erase_if(tenants_, [](const auto& entry) { return entry.second.expired(); });
    }
  }
  return counter;
}

std::shared_ptr<LoadCounter> Admission::Model(const std::string& name) {
  absl::MutexLock lock(&mu_);
  std::shared_ptr<LoadCounter>& counter = models_[name];
  if (counter == nullptr) counter = std::make_shared<LoadCounter>();
  return counter;
}

absl::Status OverLimit(std::string message, std::chrono::milliseconds retry_after) {
  absl::Status status = absl::ResourceExhaustedError(
      absl::StrCat(message, "; retry after ", retry_after.count(), " ms"));
  status.SetPayload(kRetryPushbackPayload, absl::Cord(absl::StrCat(retry_after.count())));
  return status;
}

std::optional<std::chrono::milliseconds> RetryPushback(const absl::Status& status) {
  const auto payload = status.GetPayload(kRetryPushbackPayload);
  int64_t millis = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &millis)) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(millis);
}

}  // namespace sluice::actors
