// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/predict_model.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/models/parameters.h"

namespace sluice::models {
namespace {

constexpr size_t kMaxFeatures = 1024;
constexpr size_t kMaxFeatureNameBytes = 128;
constexpr double kMaxFeatureValue = 1e12;

// FNV-1a, 64 bits: a stable hash, the same on every platform and release.
uint64_t Fnv1a(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

// A feature's weight, in [-1, 1): the top 53 bits of its name's hash.
double Weight(const std::string& name) {
  return static_cast<double>(Fnv1a(name) >> 11) * 0x1p-52 - 1.0;
}

// Predicts each request on its own; the session only keeps a scratch vector.
// Owned by the engine, called one call at a time (ModelSession).
class PredictSession final : public ModelSession {
 public:
  PredictSession(std::shared_ptr<const SessionContext> context, std::chrono::microseconds compute)
      : context_(std::move(context)), compute_(compute) {}

  Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
    features_.clear();
    for (const auto& [name, value] : request.parameters()) {
      if (name == "timestamp") continue;  // The engine's, not a feature.
      features_.emplace_back(&name, &value);
    }
    if (features_.empty()) {
      return internal::RejectRequest(
          *context_, sink,
          absl::InvalidArgumentError(
              "no features: give each feature as a request parameter, name=decimal value"));
    }
    if (features_.size() > kMaxFeatures) {
      return internal::RejectRequest(
          *context_, sink,
          absl::InvalidArgumentError(
              absl::StrCat("at most ", kMaxFeatures, " features, got ", features_.size())));
    }
    // Sorted by name: the sum is then added up in one order whatever order
    // the map iterates in, and the first bad feature named is always the same.
    std::sort(features_.begin(), features_.end(),
              [](const auto& a, const auto& b) { return *a.first < *b.first; });
    double z = 0;
    for (const auto& [name, text] : features_) {
      double value = 0;
      if (name->size() > kMaxFeatureNameBytes ||
          !internal::ParseDecimal(*text, kMaxFeatureValue, &value)) {
        return internal::RejectRequest(
            *context_, sink,
            absl::InvalidArgumentError(
                absl::StrCat("feature ", internal::Quoted(*name),
                             " must be a decimal number within +-1e12 (names up to ",
                             kMaxFeatureNameBytes, " bytes), got ", internal::Quoted(*text))));
      }
      // Log-scaled, so that raw magnitudes (a temperature of 85, a count of
      // 10^6) move the score without pinning it to 0 or 1.
      z += Weight(*name) * std::copysign(std::log1p(std::fabs(value)), value);
    }
    z /= std::sqrt(static_cast<double>(features_.size()));
    const double score = 1.0 / (1.0 + std::exp(-z));
    v1::InferResponse response;
    const std::string score_text = internal::FixedDouble(score, 6);
    auto& parameters = *response.mutable_parameters();
    parameters["score"] = score_text;
    parameters["label"] = score >= 0.5 ? "positive" : "negative";
    parameters["features"] = absl::StrCat(features_.size());
    response.set_payload(score_text);
    // A model pool thread, by the factory's choice: blocking here is the point.
    if (compute_.count() > 0) std::this_thread::sleep_for(compute_);
    (void)sink.Emit(std::move(response));  // The call's only response: room >= 1.
    return Step::Done();
  }

 private:
  const std::shared_ptr<const SessionContext> context_;
  const std::chrono::microseconds compute_;
  // Reused by every request of the stream: (name, value) in the request.
  std::vector<std::pair<const std::string*, const std::string*>> features_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ModelSession>> PredictModel::NewSession(
    const std::shared_ptr<const SessionContext>& context) {
  if (absl::Status status = internal::CheckRpcKind(
          *context, {RpcKind::kUnary, RpcKind::kServerStreaming, RpcKind::kBidiStreaming});
      !status.ok()) {
    return status;
  }
  return std::make_unique<PredictSession>(context, compute_);
}

}  // namespace sluice::models
