// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// CreditGate: the credits for one stream's in-flight requests, counted in
// requests and in bytes.

#pragma once

#include <cstdint>

namespace sluice::actors {

/// Counts the requests and the bytes a stream has in flight toward its model
/// against two limits: a request count, and a byte budget (0: none). Small
/// requests are held back by the count, large ones by the bytes, so a stream
/// can queue many small readings without being allowed as many large chunks.
/// Not thread-safe by design: it is owned by one actor and touched only from
/// that actor's turns.
///
/// The limits may change while credits are in use (a live config change); a
/// lowered limit takes effect as in-flight work completes, never by revoking.
class CreditGate {
 public:
  explicit CreditGate(uint32_t limit, uint64_t byte_limit = 0)
      : limit_(limit == 0 ? 1 : limit), byte_limit_(byte_limit) {}

  /// Takes one credit for a request of `bytes`; returns false (and takes
  /// nothing) when no credit is available().
  bool TryAcquire(uint64_t bytes = 0) {
    if (!available()) return false;
    Take(bytes);
    return true;
  }
  /// Takes a credit for a request already read. The read was started with a
  /// credit available, but a limit lowered since (or the request's own size)
  /// may leave none: the request is still served and counted, and in_use()
  /// or bytes_in_use() exceed their limits until enough work completes.
  void Take(uint64_t bytes = 0) {
    ++in_use_;
    bytes_in_use_ += bytes;
  }
  /// Returns the credit of a request of `bytes` taken by TryAcquire() or
  /// Take().
  void Release(uint64_t bytes = 0) {
    if (in_use_ > 0) --in_use_;
    bytes_in_use_ -= bytes < bytes_in_use_ ? bytes : bytes_in_use_;
  }
  /// True when one more request may be read: under the count, and under the
  /// byte budget or with nothing in flight (so a request larger than the
  /// budget still gets through, alone).
  bool available() const {
    if (in_use_ >= limit_) return false;
    return byte_limit_ == 0 || in_use_ == 0 || bytes_in_use_ < byte_limit_;
  }
  uint32_t in_use() const { return in_use_; }
  uint32_t limit() const { return limit_; }
  uint64_t bytes_in_use() const { return bytes_in_use_; }
  uint64_t byte_limit() const { return byte_limit_; }
  void set_limit(uint32_t limit) { limit_ = limit == 0 ? 1 : limit; }
  void set_byte_limit(uint64_t byte_limit) { byte_limit_ = byte_limit; }

 private:
  uint32_t limit_;
  uint64_t byte_limit_;
  uint32_t in_use_ = 0;
  uint64_t bytes_in_use_ = 0;
};

}  // namespace sluice::actors
