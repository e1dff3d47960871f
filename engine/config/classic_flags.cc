// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/classic_flags.h"

namespace sluice::config {

const std::vector<std::pair<std::string, std::string>>& ClassicFlagPaths() {
  static const std::vector<std::pair<std::string, std::string>> kPaths = {
      {"listen", "listeners.grpc_address"},
      {"stream_threads", "threads.stream_threads"},
      {"model_threads", "threads.model_threads"},
      {"credits", "streams.credits_per_stream"},
      {"window", "streams.outbound_window"},
      {"max_payload_bytes", "streams.max_payload_bytes"},
      {"max_messages_per_turn", "streams.max_messages_per_turn"},
      {"inline_actors", "streams.inline_actors"},
      {"drain_seconds", "drain_seconds"},
      {"metrics_address", "listeners.metrics_address"},
      {"admin_address", "listeners.admin_address"},
      {"metrics", "metrics.enabled"},
      {"tokens_per_second", "models[name=tokens].parameters.tokens_per_second"},
      {"max_tokens", "models[name=tokens].parameters.max_tokens"},
  };
  return kPaths;
}

}  // namespace sluice::config
