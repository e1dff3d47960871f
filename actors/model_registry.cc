// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/model_registry.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sluice::actors {
namespace {

bool ParseNumber(std::string_view text, uint64_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

// A strict weak order (std::sort needs one): numeric versions first, by
// value; then the others, as text. So "2" < "10" < "1a" < "beta".
bool VersionLess(std::string_view a, std::string_view b) {
  uint64_t na = 0;
  uint64_t nb = 0;
  const bool a_numeric = ParseNumber(a, na);
  const bool b_numeric = ParseNumber(b, nb);
  if (a_numeric != b_numeric) return a_numeric;
  if (a_numeric) return na < nb;
  return a < b;
}

}  // namespace

absl::Status ModelRegistry::Add(ModelSpec spec) {
  if (spec.name.empty()) return absl::InvalidArgumentError("model name must not be empty");
  if (spec.model == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("model '", spec.name, "' has no implementation"));
  }
  // (Assigned via std::string to dodge GCC 12 -Wrestrict false positive, bug 105329.)
  if (spec.version.empty()) spec.version = std::string(1, '1');
  auto& versions = models_[spec.name];
  for (const ModelEntry& entry : versions) {
    if (entry.version == spec.version) {
      return absl::AlreadyExistsError(
          absl::StrCat("model '", spec.name, "' version ", spec.version, " is already registered"));
    }
  }
  versions.push_back(ModelEntry{std::move(spec.name), std::move(spec.version),
                                std::move(spec.model), spec.max_credits_per_stream, spec.execution,
                                nullptr, std::nullopt, spec.worker_threads, spec.max_streams,
                                spec.max_requests_in_flight, nullptr, spec.timeout, nullptr});
  std::sort(versions.begin(), versions.end(), [](const ModelEntry& a, const ModelEntry& b) {
    return VersionLess(a.version, b.version);
  });
  return absl::OkStatus();
}

const ModelEntry* ModelRegistry::Find(std::string_view name, std::string_view version) const {
  auto it = models_.find(name);
  if (it == models_.end() || it->second.empty()) return nullptr;
  if (version.empty()) return &it->second.back();
  for (const ModelEntry& entry : it->second) {
    if (entry.version == version) return &entry;
  }
  return nullptr;
}

std::vector<std::string> ModelRegistry::Names() const {
  std::vector<std::string> names;
  names.reserve(models_.size());
  for (const auto& [name, versions] : models_) names.push_back(name);
  return names;
}

void ModelRegistry::AttachInstruments(metrics::EngineMetrics& metrics) {
  for (auto& [name, versions] : models_) {
    const std::shared_ptr<metrics::ModelInstruments> instruments = metrics.ForModel(name);
    for (ModelEntry& entry : versions) entry.instruments = instruments;
  }
}

}  // namespace sluice::actors
