// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// CreditGate: a counter of credits for one stream's in-flight requests.

#pragma once

#include <cstdint>

namespace sluice::actors {

/// Counts how many of `limit` credits are in use. Not thread-safe by design:
/// it is owned by one actor and touched only from that actor's turns.
///
/// The limit may change while credits are in use (a live config change); a
/// lowered limit takes effect as in-flight work completes, never by revoking.
class CreditGate {
 public:
  explicit CreditGate(uint32_t limit) : limit_(limit == 0 ? 1 : limit) {}

  /// Takes one credit; returns false (and takes nothing) when none is left.
  bool TryAcquire() {
    if (in_use_ >= limit_) return false;
    ++in_use_;
    return true;
  }
  /// Takes a credit for a request already read. The read was started with a
  /// credit available, but a limit lowered since may leave none: the request
  /// is still served and counted, and in_use() exceeds limit() until enough
  /// in-flight work completes.
  void Take() { ++in_use_; }
  /// Returns one credit taken by TryAcquire() or Take().
  void Release() {
    if (in_use_ > 0) --in_use_;
  }
  bool available() const { return in_use_ < limit_; }
  uint32_t in_use() const { return in_use_; }
  uint32_t limit() const { return limit_; }
  void set_limit(uint32_t limit) { limit_ = limit == 0 ? 1 : limit; }

 private:
  uint32_t limit_;
  uint32_t in_use_ = 0;
};

}  // namespace sluice::actors
