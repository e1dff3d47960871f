// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/tokens_model.h"

#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/models/parameters.h"

namespace sluice::models {
namespace {

constexpr std::array<std::string_view, 48> kVocabulary = {
    "the",    "stream", "flows",   "through", "a",     "sluice",  "gate",    "and",
    "water",  "finds",  "its",     "level",   "while", "models",  "speak",   "in",
    "tokens", "one",    "by",      "quiet",   "river", "carries", "light",   "over",
    "stones", "where",  "credits", "keep",    "pace",  "with",    "readers", "slow",
    "or",     "fast",   "every",   "message", "finds", "home",    "under",   "open",
    "skies",  "of",     "bounded", "memory",  "never", "lost",    "again",   "now"};

uint64_t Fnv1a(std::string_view text, uint64_t seed) {
  uint64_t hash = 1469598103934665603ull ^ seed;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

class TokensSession final : public ModelSession {
 public:
  explicit TokensSession(const TokensModelOptions& defaults) : defaults_(defaults) {}

  Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
    uint32_t max_tokens = defaults_.max_tokens;
    double rate = defaults_.tokens_per_second;
    const auto& parameters = request.parameters();
    if (auto it = parameters.find("max_tokens"); it != parameters.end()) {
      if (!absl::SimpleAtoi(it->second, &max_tokens) || max_tokens > 1'000'000) {
        (void)sink.EmitError(absl::InvalidArgumentError(
            absl::StrCat("parameter 'max_tokens' must be an integer from 0 to 1000000, got '",
                         it->second, "'")));
        return Step::Done();
      }
    }
    if (auto it = parameters.find("tokens_per_second"); it != parameters.end()) {
      if (!absl::SimpleAtod(it->second, &rate) || !(rate >= 0.0) || rate > 1e6) {
        (void)sink.EmitError(absl::InvalidArgumentError(absl::StrCat(
            "parameter 'tokens_per_second' must be a number from 0 to 1000000 (0 = unpaced), "
            "got '",
            it->second, "'")));
        return Step::Done();
      }
    }
    remaining_ = max_tokens;
    index_ = 0;
    seed_ = Fnv1a(request.payload(), ++turn_);
    interval_ = rate > 0 ? std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate))
                         : std::chrono::nanoseconds(0);
    return Generate(sink);
  }

  Step OnResume(ResponseSink& sink) override { return Generate(sink); }

 private:
  // Paced: one token per call, then sleep without holding the thread.
  // Unpaced: as many as the outbound window has room for.
  Step Generate(ResponseSink& sink) {
    while (remaining_ > 0 && sink.room() > 0) {
      v1::InferResponse response;
      const auto word = kVocabulary[(seed_ + index_ * 7919u) % kVocabulary.size()];
      response.set_payload(index_ == 0 ? std::string(word) : " " + std::string(word));
      (*response.mutable_parameters())["token_index"] = absl::StrCat(index_);
      (void)sink.Emit(std::move(response));
      ++index_;
      --remaining_;
      if (interval_.count() > 0) break;
    }
    if (remaining_ == 0) return Step::Done();
    return interval_.count() > 0 ? Step::ResumeAfter(interval_) : Step::Resume();
  }

  const TokensModelOptions defaults_;
  uint64_t turn_ = 0;
  uint32_t remaining_ = 0;
  uint64_t index_ = 0;
  uint64_t seed_ = 0;
  std::chrono::nanoseconds interval_{0};
};

}  // namespace

absl::StatusOr<std::unique_ptr<ModelSession>> TokensModel::NewSession(
    const std::shared_ptr<const SessionContext>& context) {
  // A generation is many responses: a single-response call cannot carry it.
  if (absl::Status status =
          internal::CheckRpcKind(*context, {RpcKind::kServerStreaming, RpcKind::kBidiStreaming});
      !status.ok()) {
    return status;
  }
  return std::make_unique<TokensSession>(options_);
}

}  // namespace sluice::models
