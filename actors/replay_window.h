// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ReplayWindow: the responses a resumable stream has sent lately, kept so a
// client that lost its connection can be sent what it missed.

#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>

#include "absl/status/status.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::actors {

/// How much a replay window holds: the oldest responses are dropped first as
/// soon as any limit is passed. A zero limit holds nothing.
struct ReplayLimits {
  uint32_t max_messages = 1024;
  uint64_t max_bytes = 16u << 20;
  std::chrono::nanoseconds max_age = std::chrono::seconds(60);
};

/// Responses with consecutive sequence numbers, oldest first.
///
/// Ownership: a member of one resumable stream's state. Threads: actor-only.
class ReplayWindow {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ReplayWindow(ReplayLimits limits) : limits_(limits) {}

  /// Keeps a copy of `response`, whose sequence must be one more than the
  /// last one added (the first may be any), then drops what the limits no
  /// longer allow.
  void Add(const v1::InferResponse& response, Clock::time_point now);

  /// Drops responses older than the age limit.
  void Expire(Clock::time_point now);

  /// OK when every response after `received` (the last sequence the client
  /// has) up to `last_sent` is still held, so the client can be made whole;
  /// OUT_OF_RANGE saying what is held otherwise.
  absl::Status CheckResumable(uint64_t received, uint64_t last_sent) const;

  /// The held response with `sequence`, or null.
  const v1::InferResponse* Find(uint64_t sequence) const;

  size_t size() const { return entries_.size(); }
  uint64_t bytes() const { return bytes_; }
  /// The sequences held, when size() > 0.
  uint64_t first_sequence() const { return entries_.front().response.sequence(); }
  uint64_t last_sequence() const { return entries_.back().response.sequence(); }

 private:
  struct Entry {
    v1::InferResponse response;
    uint64_t bytes;
    Clock::time_point sent_at;
  };
  void DropOldest();

  const ReplayLimits limits_;
  std::deque<Entry> entries_;
  uint64_t bytes_ = 0;
};

}  // namespace sluice::actors
