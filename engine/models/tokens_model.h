// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `tokens` demo model: for each request (a prompt), streams a number of
// tokens at a steady rate, like an LLM generating text.

#pragma once

#include <cstdint>
#include <memory>

#include "sluice/model.h"

namespace sluice::models {

/// Defaults for the `tokens` model; a request may override both with the
/// parameters "max_tokens" and "tokens_per_second".
struct TokensModelOptions {
  uint32_t max_tokens = 16;
  /// 0 generates as fast as the client reads.
  double tokens_per_second = 20.0;
};

/// A deterministic token generator: the tokens depend only on the prompt and
/// on how many turns the stream has had (the session is stateful, like a
/// conversation). Thread-safe.
class TokensModel final : public Model {
 public:
  explicit TokensModel(TokensModelOptions options = {}) : options_(options) {}

  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override;

 private:
  const TokensModelOptions options_;
};

}  // namespace sluice::models
