// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The request and response parameter names of the demo models the `sluice` subcommands drive
// (`sensors`: ingest; `feed`: subscribe/publish; `blob`: download/upload), in one place to keep
// them aligned with engine/models/. How a sensor reading is encoded is in sensor_readings.h.

#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::cli {

// The value of a response's parameter `key`, or nullptr if it has none.
inline const std::string* FindParameter(const v1::InferResponse& response, absl::string_view key) {
  auto it = response.parameters().find(std::string(key));
  return it == response.parameters().end() ? nullptr : &it->second;
}

// A response's parameter `key` as a whole number; nullopt if absent or not a number.
inline std::optional<uint64_t> UintParameter(const v1::InferResponse& response,
                                             absl::string_view key) {
  const std::string* text = FindParameter(response, key);
  uint64_t value = 0;
  if (text == nullptr || !absl::SimpleAtoi(*text, &value)) return std::nullopt;
  return value;
}

namespace sensors {
// On the Ingest summary: how many readings the server took.
inline constexpr absl::string_view kCount = "count";
}  // namespace sensors

namespace feed {
// Request parameters.
inline constexpr absl::string_view kTopic = "topic";
inline constexpr absl::string_view kBuffer = "buffer";
inline constexpr absl::string_view kPolicy = "policy";
inline constexpr absl::string_view kMaxItems = "max_items";
// Response parameters: "event" says what a response is.
inline constexpr absl::string_view kEvent = "event";
inline constexpr absl::string_view kEventSubscribed = "subscribed";
inline constexpr absl::string_view kEventItem = "item";
inline constexpr absl::string_view kNextSequence = "next_sequence";
inline constexpr absl::string_view kDroppedTotal = "dropped_total";
}  // namespace feed

namespace blob {
// Download request parameters.
inline constexpr absl::string_view kSizeBytes = "size_bytes";
inline constexpr absl::string_view kChunkBytes = "chunk_bytes";
inline constexpr absl::string_view kSeed = "seed";
// On every download chunk; kChunkIndex is also the upload request parameter (from 0).
inline constexpr absl::string_view kChunkIndex = "chunk_index";
inline constexpr absl::string_view kTotalChunks = "total_chunks";
inline constexpr absl::string_view kOffset = "offset";
// On the last download chunk and on the upload confirmation (with kSizeBytes): 64 hex digits.
inline constexpr absl::string_view kSha256 = "sha256";
}  // namespace blob

}  // namespace sluice::cli
